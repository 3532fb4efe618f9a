-- POST an order (the seed's example body) on a keep-alive connection.
wrk.method = "POST"
wrk.path = "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/ssl/certificate_packs/order"
wrk.headers["Authorization"] = "Bearer certpackmock-ssl-edit-000000000000000000"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"type":"advanced","hosts":["example.com","*.example.com"],' ..
           '"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}'
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
