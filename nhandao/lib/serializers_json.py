"""Django's JSON serialisation (dumpdata/loaddata) without losing microseconds.

DjangoJSONEncoder cuts datetimes and times to milliseconds; the ledger's hashes cover the
full timestamp, so a dumpdata/loaddata round trip broke every chain. Registered for "json"
in settings.SERIALIZATION_MODULES; reading is Django's own (it parses full precision)."""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class FullPrecisionEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time) and o.microsecond:
            if isinstance(o, datetime.time) and o.utcoffset() is not None:
                raise ValueError("JSON can't represent timezone-aware times.")
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        if self.json_kwargs.get("cls") is DjangoJSONEncoder:
            self.json_kwargs["cls"] = FullPrecisionEncoder


Deserializer = django_json.Deserializer
