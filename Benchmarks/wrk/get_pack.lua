-- GET the fixture pack (always active) on a keep-alive connection.
wrk.method = "GET"
wrk.path = "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/ssl/certificate_packs/023e105f4ecef8ad9ca31a8372d0c353"
wrk.headers["Authorization"] = "Bearer certpackmock-ssl-edit-000000000000000000"
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
