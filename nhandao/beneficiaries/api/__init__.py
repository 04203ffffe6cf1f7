"""API of the registry and the duplicate review queue; same forms and access rules as the pages.

A person is returned in full to users who reach its owning organisation; sensitive fields
only with the "sensitive" permission (each read logged); people of other organisations in
the user's area come back with name, commune and support history only.

The endpoints live in one module per area (persons, households, duplicates, addresses);
`router` mounts them all under one tag, as nhandao/api.py expects.
"""

from ninja import Router

from nhandao.beneficiaries.api import addresses, duplicates, households, persons

router = Router(tags=["Đối tượng thụ hưởng"])
for area in (persons, duplicates, households, addresses):
    router.add_router("", area.router)
