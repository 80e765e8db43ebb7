// Command tributary aggregates RSS, Atom and JSON feeds and republishes them
// as one merged feed. This file only wires the packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/fetcher"
	"github.com/tributary-feeds/tributary/publisher"
	"github.com/tributary-feeds/tributary/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `usage: tributary COMMAND [flags]

commands:
  run    [--config FILE]              run the daemon
  fetch  [--config FILE] [SOURCE...]  fetch all (or the named) sources once, now
  check  [--config FILE]              validate the configuration

--config defaults to ./config.toml.
`

func main() {
	os.Exit(runMain(os.Args[1:], os.Stdout, os.Stderr))
}

func runMain(args []string, stdout, stderr io.Writer) int {
	fetcher.Version = version
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "run":
		return cmdRun(args, stdout, stderr)
	case "fetch":
		return cmdFetch(args, stdout, stderr)
	case "check":
		return cmdCheck(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "tributary: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// flags parses a command's flags; ok is false on a usage error.
func flags(name string, args []string, stderr io.Writer) (fs *flag.FlagSet, configPath *string, ok bool) {
	fs = flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath = fs.String("config", config.DefaultFile, "configuration `FILE`")
	if err := fs.Parse(args); err != nil {
		return fs, configPath, false
	}
	return fs, configPath, true
}

// load reads the configuration, printing every problem.
func load(path string, stderr io.Writer) (*config.Config, bool) {
	cfg, err := config.Load(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, false
	}
	return cfg, true
}

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
		fmt.Fprintln(stderr, "tributary:", err)
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

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs, path, ok := flags("run", args, stderr)
	if !ok || fs.NArg() > 0 {
		return exitUsage
	}
	cfg, ok := load(*path, stderr)
	if !ok {
		return exitFail
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if err := serve(cfg, log); err != nil {
		log.Error("tributary stopped", "error", err)
		return exitFail
	}
	return exitOK
}

// serve runs the daemon until SIGINT or SIGTERM.
func serve(cfg *config.Config, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, cfg.Store.Path, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()

	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           publisher.New(cfg, st, log).Handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	log.Info("tributary listening", "addr", ln.Addr().String(), "sources", len(cfg.Sources), "store", cfg.Store.Path)

	fetchDone := make(chan error, 1)
	go func() { fetchDone <- fetcher.New(cfg, st, log).Run(ctx) }()
	srvDone := make(chan error, 1)
	go func() { srvDone <- srv.Serve(ln) }()

	select {
	case <-ctx.Done():
	case err = <-srvDone:
		stop()
	}
	log.Info("tributary stopping")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shutCtx)
	if ferr := <-fetchDone; ferr != nil && err == nil {
		err = ferr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
