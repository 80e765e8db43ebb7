package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/tributary-feeds/tributary/admin"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/fetcher"
	"github.com/tributary-feeds/tributary/store"
)

// cmdFetch fetches all (or the named) sources now and prints a line per
// source. It opens the store itself; when a running daemon holds it (the
// store is locked), it asks that daemon to fetch instead (POST
// /admin/fetch) and prints the same lines.
func cmdFetch(args []string, stdout, stderr io.Writer) int {
	fs, path := newFlags("fetch", stderr)
	logger := logFlags(fs, "warn", stderr)
	if fs.Parse(args) != nil {
		return exitUsage
	}
	log, err := logger()
	if err != nil {
		fmt.Fprintln(stderr, "tributary:", err)
		return exitUsage
	}
	cfg, ok := load(*path, stderr)
	if !ok {
		return exitFail
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var outs []fetcher.Outcome
	st, err := openStore(ctx, cfg)
	switch {
	case errors.Is(err, store.ErrLocked):
		fmt.Fprintf(stderr, "tributary: the store is held by a running daemon: asking it to fetch (POST /admin/fetch on %s)\n", dialAddr(cfg.Server.Listen))
		if outs, err = fetchThroughDaemon(ctx, cfg, fs.Args()); err != nil {
			fmt.Fprintln(stderr, "tributary: fetch:", err)
			return exitFail
		}
	case err != nil:
		fmt.Fprintln(stderr, "tributary:", storeError(err))
		return exitFail
	default:
		defer st.Close()
		setGCPercent(cfg.Fetch.GCPercent)
		outs = fetcher.New(cfg, st, log).Once(ctx, fs.Args()...)
	}
	status := exitOK
	w := bufio.NewWriter(stdout) // a line per source: one write, not thousands
	for _, o := range outs {
		fmt.Fprintln(w, o)
		if o.Result == fetcher.ResultError {
			status = exitFail
		}
	}
	w.Flush()
	return status
}

// setGCPercent applies [fetch] gc_percent to this one-shot pass, unless
// the operator set GOGC, which wins. A pass allocates several times what
// it keeps (parse trees, sanitised copies, read buffers): with Go's default
// of 100 the collector runs a third of the pass's CPU; 400 takes about a
// quarter off the pass for ~35% more peak memory (bench/README.md).
func setGCPercent(percent int) {
	if _, set := os.LookupEnv("GOGC"); set || percent < 1 {
		return
	}
	debug.SetGCPercent(percent)
}

// fetchThroughDaemon asks the daemon listening on cfg's [server].listen to
// fetch names now, and waits for its answer.
func fetchThroughDaemon(ctx context.Context, cfg *config.Config, names []string) ([]fetcher.Outcome, error) {
	c := newAdminClient(cfg)
	body, err := json.Marshal(admin.FetchRequest{Sources: names})
	if err != nil {
		return nil, err
	}
	// A pass may queue behind [fetch].concurrency; each fetch is bounded
	// by the daemon (20 × [fetch].timeout), the whole by an interrupt.
	ans, err := c.call(ctx, http.MethodPost, "/admin/fetch", bytes.NewReader(body), 24*time.Hour)
	if err != nil {
		return nil, err
	}
	var rep admin.FetchReport
	if err := json.Unmarshal(ans, &rep); err != nil {
		return nil, fmt.Errorf("the daemon's answer is not a fetch report: %w", err)
	}
	outs := make([]fetcher.Outcome, len(rep.Outcomes))
	for i, o := range rep.Outcomes {
		outs[i] = fetcher.Outcome{Source: o.Source, Result: fetcher.Result(o.Result), Status: o.Status, New: o.New, Updated: o.Updated}
		if o.Error != "" {
			outs[i].Err = errors.New(o.Error)
		}
	}
	return outs, nil
}

// fetchNow is the daemon's side of POST /admin/fetch.
func fetchNow(f *fetcher.Fetcher) admin.FetchFunc {
	return func(ctx context.Context, names []string) []admin.FetchOutcome {
		outs := f.Once(ctx, names...)
		rep := make([]admin.FetchOutcome, len(outs))
		for i, o := range outs {
			rep[i] = admin.FetchOutcome{Source: o.Source, Result: string(o.Result), Status: o.Status, New: o.New, Updated: o.Updated}
			if o.Err != nil {
				rep[i].Error = o.Err.Error()
			}
		}
		return rep
	}
}
