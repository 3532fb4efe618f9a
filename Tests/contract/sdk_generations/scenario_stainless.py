"""One scenario for a Stainless-generated SDK (3.x, 4.x), strict response validation on, so
every answer must fit that version's own models. 3.x orders through `order.create` and
edits with a raw `body`; 4.x has `create` and `cloudflare_branding`."""
import cloudflare

from scenario_support import (BASE_URL, DOCS_PACK, EDIT_TOKEN, ORDER, WAITING_PACK, ZONE, check, control, done)

major = int(cloudflare.__version__.split(".")[0])
cf = cloudflare.Cloudflare(api_token=EDIT_TOKEN, base_url=BASE_URL, max_retries=0, _strict_response_validation=True)
packs = cf.ssl.certificate_packs

# order
if major == 3:
    ordered = packs.order.create(zone_id=ZONE, **ORDER)
else:
    ordered = packs.create(zone_id=ZONE, **ORDER)
check(ordered.status == "initializing" and ordered.hosts == ORDER["hosts"], f"order: {ordered}")

# get, while it waits on validation: records under the method's keys, DCV delegation beside them
control("POST", "clock/advance", {"seconds": 1.5})
got = packs.get(ordered.id, zone_id=ZONE)
check(got["status"] == "pending_validation", f"get: {got}")
check({r["txt_name"] for r in got["validation_records"]} == {"_acme-challenge.example.com"}, "validation_records")
uuid = cf.dcv_delegation.get(zone_id=ZONE).uuid
check(len(uuid) == 16 and all(c in "0123456789abcdef" for c in uuid), f"dcv uuid {uuid}")
check(got["dcv_delegation_records"] == [{"cname": "_acme-challenge.example.com", "status": "pending",
                                         "cname_target": f"example.com.{uuid}.dcv.cloudflare.com"}], "dcv records")

# list with pagination (the SDK's page type has no page parameters: pages asked for by hand)
for _ in range(5):
    (packs.order.create if major == 3 else packs.create)(zone_id=ZONE, **ORDER)
listed, page = [], 1
while True:
    items = packs.list(zone_id=ZONE, status="all", extra_query={"per_page": 5, "page": page}).result
    if not items:
        break
    listed += [p["id"] for p in items]
    page += 1
check(len(listed) == 9 and len(set(listed)) == 9 and page == 3, f"list pages: {page - 1}, ids {len(listed)}")
check(ordered.id in listed and DOCS_PACK in listed and WAITING_PACK in listed, "list holds the fixtures and the order")

# edit (3.x sends a raw body)
edited = packs.edit(DOCS_PACK, zone_id=ZONE, body={"cloudflare_branding": True}) if major == 3 else \
    packs.edit(DOCS_PACK, zone_id=ZONE, cloudflare_branding=True)
check(edited.cloudflare_branding is True and edited.status == "active", f"edit: {edited}")

# SSL verification: the waiting fixture pack is authorizing over http; the docs' PATCH moves it to txt,
# the same method again is an immediate recheck, retry=true lists again after rechecking.
items = {v.cert_pack_uuid: v for v in cf.ssl.verification.get(zone_id=ZONE)}
waiting = items[WAITING_PACK]
check(waiting.certificate_status == "authorizing" and waiting.validation_method == "http"
      and waiting.verification_status is False, f"verification: {waiting}")
check(items[DOCS_PACK].certificate_status == "active" and items[DOCS_PACK].verification_status is True, "active item")
changed = cf.ssl.verification.edit(WAITING_PACK, zone_id=ZONE, validation_method="txt")
check(changed.status == "pending_validation" and changed.validation_method == "txt", f"method change: {changed}")
rechecked = cf.ssl.verification.edit(WAITING_PACK, zone_id=ZONE, validation_method="txt")
check(rechecked.status == "pending_issuance", f"recheck: {rechecked}")
retried = {v.cert_pack_uuid: v.certificate_status for v in cf.ssl.verification.get(zone_id=ZONE, retry=True)}
check(retried[WAITING_PACK] == "issuing" and retried[ordered.id] == "issuing", f"retry: {retried}")
try:
    cf.ssl.verification.edit(DOCS_PACK, zone_id=ZONE, validation_method="http")
    check(False, "an active pack's method changed")
except cloudflare.BadRequestError as err:
    check(err.body["errors"][0]["code"] == 1482, f"active refused: {err.body}")

# quota, delete
check(packs.quota.get(zone_id=ZONE).advanced.used == 9, "quota")
check(packs.delete(ordered.id, zone_id=ZONE).id == ordered.id, "delete")
try:
    packs.get(ordered.id, zone_id=ZONE)
    check(False, "deleted pack still read")
except cloudflare.NotFoundError as err:
    check(err.body["errors"][0]["code"] == 1408, "1408 after delete")
done(cloudflare.__version__)
