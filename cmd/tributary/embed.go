package main

import (
	// CA roots and zone data built in, used only when the system has none:
	// the binary then runs in a FROM scratch image (deploy/Dockerfile),
	// fetching https feeds and honouring CRON_TZ= schedules.
	_ "time/tzdata"

	_ "golang.org/x/crypto/x509roots/fallback"
)
