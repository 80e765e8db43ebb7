package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/tributary-feeds/tributary/bench/internal/benchutil"
	"github.com/tributary-feeds/tributary/bench/internal/feedgen"
	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/fetcher"
	"github.com/tributary-feeds/tributary/store"
)

// profilePass runs the first (full) pass in this process, with the same
// config `tributary fetch` gets, under the CPU profiler, and writes the
// profile to out. It is what `-cpuprofile` does; the timed runs stay
// out-of-process.
func profilePass(tmp string, srv *feedgen.Server, sources, conc int, out string) error {
	dir := filepath.Join(tmp, "profile")
	os.MkdirAll(dir, 0o755)
	urls := make([]string, sources)
	for i := range urls {
		urls[i] = srv.FeedURL(i)
	}
	path, err := benchutil.Config(dir, "127.0.0.1:0", urls,
		fmt.Sprintf("[fetch]\nconcurrency = %d\nper_host = %d\ntimeout = \"60s\"\n", conc, conc))
	if err != nil {
		return err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.Store.Path, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.MemProfileRate = 64 << 10
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	start := time.Now()
	outs := fetcher.New(cfg, st, nil).Once(ctx)
	d := time.Since(start)
	pprof.StopCPUProfile()
	if m, err := os.Create(out + ".alloc"); err == nil {
		pprof.Lookup("allocs").WriteTo(m, 0) // go tool pprof -sample_index=alloc_space
		m.Close()
	}
	bad := 0
	for _, o := range outs {
		if o.Result == fetcher.ResultError {
			bad++
		}
	}
	fmt.Printf("profiled in-process pass: %v, %d errors; profile in %s (go tool pprof -top %s)\n", d.Round(time.Millisecond), bad, out, out)

	// The second, all-304 pass, with a new Fetcher as a new process would
	// have (states read from the store).
	f2, err := os.Create(out + ".304")
	if err != nil {
		return err
	}
	defer f2.Close()
	nm := srv.NotModified.Load()
	if err := pprof.StartCPUProfile(f2); err != nil {
		return err
	}
	start = time.Now()
	fetcher.New(cfg, st, nil).Once(ctx)
	d = time.Since(start)
	pprof.StopCPUProfile()
	fmt.Printf("profiled in-process 304 pass: %v (%d answered 304); profile in %s.304\n", d.Round(time.Millisecond), srv.NotModified.Load()-nm, out)
	return nil
}
