package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tributary-feeds/tributary/admin"
)

// cmdStatus prints what every source is doing, as the daemon sees it (the
// daemon holds the store's lock, so the CLI cannot read it directly). It
// fails when any source is failing.
func cmdStatus(args []string, stdout, stderr io.Writer) int {
	fs, path := newFlags("status", stderr)
	asJSON := fs.Bool("json", false, "print the JSON of GET /api/sources")
	if fs.Parse(args) != nil || fs.NArg() > 0 {
		return exitUsage
	}
	c, ok := daemonClient(*path, stderr)
	if !ok {
		return exitFail
	}
	body, err := c.call(context.Background(), http.MethodGet, "/api/sources", nil, 30*time.Second)
	if err != nil {
		fmt.Fprintln(stderr, "tributary: status:", err)
		return exitFail
	}
	var r admin.Report
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&r); err != nil {
		fmt.Fprintln(stderr, "tributary: status: the daemon's answer is not a report:", err)
		return exitFail
	}
	if *asJSON {
		stdout.Write(body)
	} else if err := admin.WriteTable(stdout, r, time.Now()); err != nil {
		fmt.Fprintln(stderr, "tributary: status:", err)
		return exitFail
	}
	if r.Failing > 0 {
		return exitFail
	}
	return exitOK
}
