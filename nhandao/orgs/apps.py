from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "nhandao.orgs"
    label = "orgs"
    verbose_name = "Tổ chức và địa bàn"

    def ready(self):
        from nhandao.lib import deadlines
        from nhandao.orgs import datarequests

        # requests filed on the public page, identity not yet verified: `nhandao deadlines`
        deadlines.register("orgs.data_request_filings", datarequests.filings_due)
