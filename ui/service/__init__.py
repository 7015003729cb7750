"""The HTTP service (服务): the server process, its guard (keys, rate limits, audit), admin routes, workers, hot reload and background builds."""
