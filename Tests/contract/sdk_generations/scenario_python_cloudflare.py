"""One scenario for python-cloudflare 2.x (the library under cli4): its path-built calls."""
import CloudFlare

from scenario_support import (BASE_URL, DOCS_PACK, EDIT_TOKEN, ORDER, WAITING_PACK, ZONE, check, control, done)

cf = CloudFlare.CloudFlare(token=EDIT_TOKEN, base_url=BASE_URL)
packs = cf.zones.ssl.certificate_packs

ordered = packs.order.post(ZONE, data=ORDER)
check(ordered["status"] == "initializing", f"order: {ordered}")
control("POST", "clock/advance", {"seconds": 1.5})
got = packs.get(ZONE, ordered["id"])
check(got["status"] == "pending_validation" and got["validation_records"][0]["txt_name"] == "_acme-challenge.example.com", "get")
uuid = cf.zones.dcv_delegation.uuid.get(ZONE)["uuid"]
check(got["dcv_delegation_records"][0]["cname_target"] == f"example.com.{uuid}.dcv.cloudflare.com", "dcv records")

for _ in range(5):
    packs.order.post(ZONE, data=ORDER)
listed, page = [], 1
while True:
    items = packs.get(ZONE, params={"status": "all", "per_page": 5, "page": page})
    if not items:
        break
    listed += [p["id"] for p in items]
    page += 1
check(len(set(listed)) == 9 and page == 3, f"list pages {page - 1}, ids {len(listed)}")

check(packs.patch(ZONE, DOCS_PACK, data={"cloudflare_branding": True})["cloudflare_branding"] is True, "edit")

items = {v["cert_pack_uuid"]: v for v in cf.zones.ssl.verification.get(ZONE)}
check(items[WAITING_PACK]["certificate_status"] == "authorizing", "verification list")
changed = cf.zones.ssl.verification.patch(ZONE, WAITING_PACK, data={"validation_method": "txt"})
check(changed == {"status": "pending_validation", "validation_method": "txt"}, f"method change: {changed}")
retried = {v["cert_pack_uuid"]: v["certificate_status"] for v in cf.zones.ssl.verification.get(ZONE, params={"retry": "true"})}
check(retried[WAITING_PACK] == "issuing", f"retry: {retried}")
try:
    cf.zones.ssl.verification.patch(ZONE, DOCS_PACK, data={"validation_method": "http"})
    check(False, "an active pack's method changed")
except CloudFlare.exceptions.CloudFlareAPIError as err:
    check(int(err) == 1482, f"active refused: {err}")

check(packs.quota.get(ZONE) == {"advanced": {"allocated": 100, "used": 9}}, "quota")
check(packs.delete(ZONE, ordered["id"]) == {"id": ordered["id"]}, "delete")
try:
    packs.get(ZONE, ordered["id"])
    check(False, "deleted pack still read")
except CloudFlare.exceptions.CloudFlareAPIError as err:
    check(int(err) == 1408, "1408 after delete")
done(CloudFlare.__version__)
