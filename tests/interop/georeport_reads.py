"""Reads an Open311 server with the georeport client (PyPI) and prints what it got as JSON.

Run by tests/resident_requests/test_open311_interop.py in the .venv-interop venv, never imported by the project:
    .venv-interop/bin/python tests/interop/georeport_reads.py http://127.0.0.1:8000/open311/v2 SERVICE_REQUEST_ID...
"""

import json
import sys

from georeport import GeoReport


def main(root: str, ids: list[str]) -> None:
    results = {}
    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        requests_ = client.get_service_requests(service_request_id=",".join(ids))
        results[fmt] = {
            "services": client.get_service_list(),
            "definition": client.get_service_definition("property-1"),
            "requests": requests_ if isinstance(requests_, list) else [requests_],
            "recent": client.get_service_requests(status="open"),
            "one": client.get_service_request(ids[0]),
        }
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
