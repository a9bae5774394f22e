from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from grids.places_import import places_import, places_read


class Command(BaseCommand):
    help = (
        "Import building points and grid, community, street and district outlines from a GeoJSON FeatureCollection "
        "(README: Places). All features or none; problems are listed by feature number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .geojson file in WGS84 / CGCS2000 longitude and latitude.")
        parser.add_argument("--gcj02", action="store_true", help="The coordinates come from a GCJ-02 map (高德, 腾讯): convert them to WGS84.")

    def handle(self, *args, file, gcj02=False, **options):
        try:
            with open(file, "rb") as handle:
                collection = places_read(File(handle))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        result = places_import(actor=None, collection=collection, file_name=file.rsplit("/", 1)[-1], gcj02=gcj02)
        if not result.ok:
            for number, problem in result.problems:
                self.stderr.write(f"feature {number}: {problem}" if number else problem)
            raise CommandError(f"Nothing imported: {len(result.problems)} problem(s).")
        self.stdout.write("Imported: " + ", ".join(f"{level} {count}" for level, count in sorted(result.counts.items())))
