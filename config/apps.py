from django.contrib.admin.apps import AdminConfig


class GovernanceAdminConfig(AdminConfig):
    default_site = "config.admin_site.BackOfficeSite"
