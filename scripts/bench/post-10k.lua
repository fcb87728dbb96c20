-- wrk script of the "POST 10 KiB" scenario: every request carries the same 10 KiB body.
wrk.method = "POST"
wrk.body = string.rep("x", 10240)
wrk.headers["Content-Type"] = "application/octet-stream"
