package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/tributary-feeds/tributary/config"
)

// cmdReload asks the running daemon to re-read its configuration, as SIGHUP
// does. A file with problems is not sent: they are printed instead.
func cmdReload(args []string, stdout, stderr io.Writer) int {
	fs, path, ok := flags("reload", args, stderr)
	if !ok || fs.NArg() > 0 {
		return exitUsage
	}
	if _, err := config.Load(*path); err != nil {
		if errors.Is(err, iofs.ErrNotExist) {
			fmt.Fprintln(stderr, explain(err))
			return exitFail
		}
		fmt.Fprintf(stderr, "%v\ntributary: reload: the configuration has problems; the daemon keeps the running one\n", err)
		return exitFail
	}
	c, ok := daemonClient(*path, stderr)
	if !ok {
		return exitFail
	}
	body, err := c.call(context.Background(), http.MethodPost, "/admin/reload", nil, time.Minute)
	if err != nil {
		fmt.Fprintln(stderr, "tributary: reload:", err)
		return exitFail
	}
	fmt.Fprintln(stdout, strings.TrimSpace(string(body)))
	return exitOK
}
