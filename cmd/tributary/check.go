package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/tributary-feeds/tributary/fetcher"
	"github.com/tributary-feeds/tributary/store"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	fs, path, ok := flags("check", args, stderr)
	if !ok || fs.NArg() > 0 {
		return exitUsage
	}
	cfg, ok := load(*path, stderr)
	if !ok {
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: ok (%d sources)\n", cfg.File, len(cfg.Sources))
	return exitOK
}

func cmdFetch(args []string, stdout, stderr io.Writer) int {
	fs, path, ok := flags("fetch", args, stderr)
	if !ok {
		return exitUsage
	}
	cfg, ok := load(*path, stderr)
	if !ok {
		return exitFail
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, cfg.Store.Path, store.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "tributary:", storeError(err))
		return exitFail
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	status := exitOK
	for _, o := range fetcher.New(cfg, st, log).Once(ctx, fs.Args()...) {
		fmt.Fprintln(stdout, o)
		if o.Result == fetcher.ResultError {
			status = exitFail
		}
	}
	return status
}
