// Command ingest measures one full pass of `tributary fetch` over many local
// sources against the floor: gofeed alone parsing the same bytes in-process
// at the same concurrency. It then measures a second, unchanged pass (every
// source answers 304). Run from the repository root:
//
//	go run ./bench/ingest -sources 1000 -items 20 -runs 3
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/tributary-feeds/tributary/bench/internal/benchutil"
	"github.com/tributary-feeds/tributary/bench/internal/feedgen"
	"github.com/tributary-feeds/tributary/store"
)

func main() {
	sources := flag.Int("sources", 1000, "number of sources")
	items := flag.Int("items", 20, "items per source")
	runs := flag.Int("runs", 3, "runs; medians are reported")
	conc := flag.Int("concurrency", 8, "[fetch].concurrency, and the floor's parsing goroutines")
	cpuprofile := flag.String("cpuprofile", "", "after the runs, profile one in-process first pass into `FILE`")
	flag.Parse()
	if err := run(*sources, *items, *runs, *conc, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
}

func run(sources, items, runs, conc int, cpuprofile string) error {
	tmp, err := os.MkdirTemp("", "tributary-bench-ingest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin, err := benchutil.Build(tmp)
	if err != nil {
		return err
	}
	srv, err := feedgen.Start(sources, items)
	if err != nil {
		return err
	}
	defer srv.Close()
	var size int
	for _, d := range srv.Docs() {
		size += len(d)
	}
	fmt.Printf("machine: %d cores, %s; %d sources × %d items, %.1f KB per feed on average\n",
		runtime.NumCPU(), runtime.Version(), sources, items, float64(size)/float64(sources)/1024)

	var first, second, floor []time.Duration
	var firstCPU, floorCPU []time.Duration
	for r := range runs {
		dir := filepath.Join(tmp, fmt.Sprintf("run%d", r))
		os.MkdirAll(dir, 0o755)
		urls := make([]string, sources)
		for i := range urls {
			urls[i] = srv.FeedURL(i)
		}
		// One host serves every source here: per_host is lifted to the
		// global concurrency so that it does not, alone, set the pace.
		cfg, err := benchutil.Config(dir, "127.0.0.1:0", urls,
			fmt.Sprintf("[fetch]\nconcurrency = %d\nper_host = %d\ntimeout = \"60s\"\n", conc, conc))
		if err != nil {
			return err
		}
		d1, c1, err := fetchPass(bin, cfg)
		if err != nil {
			return fmt.Errorf("first pass: %w", err)
		}
		stored, err := countStored(filepath.Join(dir, "tributary.db"))
		if err != nil {
			return err
		}
		nm, nr := srv.NotModified.Load(), srv.Requests.Load()
		d2, _, err := fetchPass(bin, cfg)
		if err != nil {
			return fmt.Errorf("second pass: %w", err)
		}
		got304, asked := srv.NotModified.Load()-nm, srv.Requests.Load()-nr
		if got304 != int64(sources) || asked != int64(sources) {
			return fmt.Errorf("second pass: %d requests, %d answered 304, for %d sources: not the all-304 pass measured", asked, got304, sources)
		}
		cf0 := selfCPU()
		df := parseFloor(srv.Docs(), conc)
		cf := selfCPU() - cf0
		first, second, floor = append(first, d1), append(second, d2), append(floor, df)
		firstCPU, floorCPU = append(firstCPU, c1), append(floorCPU, cf)
		fmt.Printf("run %d: first pass %v (CPU %v), stored %d/%d items; second pass %v, %d/%d answered 304; gofeed floor %v (CPU %v)\n",
			r+1, d1.Round(time.Millisecond), c1.Round(time.Millisecond), stored, sources*items, d2.Round(time.Millisecond), got304, sources,
			df.Round(time.Millisecond), cf.Round(time.Millisecond))
	}
	if cpuprofile != "" {
		if err := profilePass(tmp, srv, sources, conc, cpuprofile); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
	}
	if runs == 0 {
		return nil
	}
	m1, m2, mf := benchutil.Median(first), benchutil.Median(second), benchutil.Median(floor)
	tput := float64(sources) / m1.Seconds()
	ftput := float64(sources) / mf.Seconds()
	fmt.Printf("\nmedian of %d runs:\n", runs)
	fmt.Printf("  first pass:  %8.1f feeds/s (%v)\n", tput, m1.Round(time.Millisecond))
	fmt.Printf("  gofeed floor:%8.1f feeds/s (%v)\n", ftput, mf.Round(time.Millisecond))
	fmt.Printf("  ratio to floor: %.2f (target ≥ 0.70)\n", tput/ftput)
	// CPU-seconds are what a shared machine disturbs least: the same ratio
	// taken on the processor time each side used (the floor's measured in
	// this process while the feed server is idle).
	mc1, mcf := benchutil.Median(firstCPU), benchutil.Median(floorCPU)
	fmt.Printf("  CPU: first pass %v, floor %v: ratio %.2f\n", mc1.Round(time.Millisecond), mcf.Round(time.Millisecond), mcf.Seconds()/mc1.Seconds())
	fmt.Printf("  second pass (304s): %.0f sources/s (%v; target ≥ 5000)\n", float64(sources)/m2.Seconds(), m2.Round(time.Millisecond))
	return nil
}

// fetchPass times one `tributary fetch` of every source: wall time and the
// process's CPU time (user and system).
func fetchPass(bin, cfg string) (time.Duration, time.Duration, error) {
	var out bytes.Buffer
	cmd := exec.Command(bin, "fetch", "--config", cfg)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	var cpu time.Duration
	if ps := cmd.ProcessState; ps != nil {
		cpu = ps.UserTime() + ps.SystemTime()
	}
	if err != nil {
		lines := strings.Split(out.String(), "\n")
		var errs []string
		for _, l := range lines {
			if strings.Contains(l, "error") {
				errs = append(errs, l)
			}
		}
		if len(errs) > 5 {
			errs = errs[:5]
		}
		return d, cpu, fmt.Errorf("%v: %s", err, strings.Join(errs, "\n"))
	}
	return d, cpu, nil
}

// selfCPU is this process's CPU time so far (user and system).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func countStored(path string) (int, error) {
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return 0, err
	}
	defer st.Close()
	s, err := st.Stats(ctx)
	return s.Articles, err
}

// parseFloor times gofeed's default parser over every document, conc at a time.
func parseFloor(docs [][]byte, conc int) time.Duration {
	start := time.Now()
	work := make(chan []byte)
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for d := range work {
				if _, err := gofeed.NewParser().Parse(bytes.NewReader(d)); err != nil {
					panic(err)
				}
			}
		})
	}
	for _, d := range docs {
		work <- d
	}
	close(work)
	wg.Wait()
	return time.Since(start)
}
