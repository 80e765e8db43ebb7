// Command serve measures how fast the daemon serves /feed.atom under a
// bounded load (50 connections for 10 s) while a fetch pass runs, against a
// Go handler writing the same bytes from memory under the same load (in a
// process of its own, as the daemon is); and how much fetching keeps under
// the same flood: 300 sources due every 2 s, with new bytes at every fetch,
// fetched per second without readers and under the flood, in the same run.
// Run from the repository root:
//
//	go run ./bench/serve -runs 3
//	go run ./bench/serve -runs 3 -sources 0   # the fetch-share measure alone
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-feeds/tributary/bench/internal/benchutil"
	"github.com/tributary-feeds/tributary/bench/internal/feedgen"
)

func main() {
	sources := flag.Int("sources", 1000, "sources the daemon fetches during the load")
	conns := flag.Int("conns", 50, "connections")
	dur := flag.Duration("duration", 10*time.Second, "length of each load run")
	runs := flag.Int("runs", 3, "runs; medians are reported")
	shareSources := flag.Int("share-sources", 300, "sources, due every -share-every with new bytes at every fetch, for the fetch-share measure (0: skip it)")
	shareEvery := flag.Duration("share-every", 2*time.Second, "their schedule's interval")
	shareExtra := flag.String("share-fetch", "", "more `[fetch] lines` for the fetch-share daemon, separated by ';' (\"concurrency = 16\")")
	bgCores := flag.Float64("background-cores", 0, "[fetch] background_cores for the fetch-share measure (0: the default)")
	binFlag := flag.String("bin", "", "a tributary binary to measure (default: build this checkout)")
	perfOut := flag.String("perf", "", "record the daemon with Linux perf during the first run's loads into `FILE` and FILE.after (perf report -i FILE)")
	bodyFile := flag.String("memory-handler", "", "internal: serve `FILE` from memory on -listen, as the memory handler's own process")
	listen := flag.String("listen", "", "internal: the memory handler's address")
	feedServer := flag.Int("feed-server", 0, "internal: serve `N` changing feeds, as the fetch-share measure's feed server in a process of its own")
	flag.Parse()
	if *bodyFile != "" {
		memoryHandler(*bodyFile, *listen)
		return
	}
	if *feedServer > 0 {
		changingFeeds(*feedServer)
		return
	}
	perfFile, binFile = *perfOut, *binFlag
	share = shareSetup{*shareSources, *shareEvery, *bgCores, strings.ReplaceAll(*shareExtra, ";", "\n") + "\n"}
	if err := run(*sources, *conns, *dur, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

const maxRequests = 2_000_000 // a bound on each run, besides its duration

var perfFile, binFile string

// shareSetup is the fetch-share measure's: sources due every interval.
type shareSetup struct {
	sources int
	every   time.Duration
	bg      float64 // [fetch] background_cores; 0: not written
	extra   string  // more [fetch] lines
}

var share shareSetup

func run(sources, conns int, dur time.Duration, runs int) error {
	tmp, err := os.MkdirTemp("", "tributary-bench-serve")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := binFile
	if bin == "" {
		if bin, err = benchutil.Build(tmp); err != nil {
			return err
		}
	}
	srv, err := feedgen.Start(sources, 20)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Printf("machine: %d cores, %s; %d connections for %v; daemon fetching %d sources meanwhile\n",
		runtime.NumCPU(), runtime.Version(), conns, dur, sources)

	var shareSrv *feedProcess
	if share.sources > 0 {
		if shareSrv, err = startFeedProcess(share.sources); err != nil {
			return err
		}
		defer shareSrv.close()
	}
	var ours, mem, idles, ratios []float64
	var p99s, idleP99s, shareP99s, memP99s []time.Duration
	for r := range runs {
		dir := filepath.Join(tmp, fmt.Sprintf("run%d", r))
		os.MkdirAll(dir, 0o755)
		if shareSrv != nil {
			s, err := measureShare(bin, filepath.Join(dir, "share"), shareSrv, conns, dur)
			if err != nil {
				return err
			}
			fmt.Printf("run %d: fetching %d sources due every %v: %.1f fetches/s unloaded, %.1f during the flood (ratio %.2f); /feed.atom meanwhile %.0f req/s, p99 %v; memory handler beside the fetching daemon %.0f req/s, p99 %v\n",
				r+1, share.sources, share.every, s.unloaded, s.loaded, s.loaded/s.unloaded, s.load.RPS(), s.load.P99.Round(time.Microsecond), s.mem.RPS(), s.mem.P99.Round(time.Microsecond))
			ratios, shareP99s, memP99s = append(ratios, s.loaded/s.unloaded), append(shareP99s, s.load.P99), append(memP99s, s.mem.P99)
		}
		if sources == 0 {
			continue
		}
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		urls := make([]string, sources)
		for i := range urls {
			urls[i] = srv.FeedURL(i)
		}
		cfg, err := benchutil.Config(dir, addr, urls, "[fetch]\nschedule = \"@every 1h\"\njitter = \"5s\"\nper_host = 8\n")
		if err != nil {
			return err
		}
		daemon := exec.Command(bin, "run", "--config", cfg)
		daemon.Stderr = io.Discard
		if err := daemon.Start(); err != nil {
			return err
		}
		feedURL := "http://" + addr + "/feed.atom"
		body, err := waitBody(feedURL)
		if err != nil {
			daemon.Process.Kill()
			return err
		}
		before := srv.Requests.Load()
		var rec *exec.Cmd
		if perfFile != "" && r == 0 {
			rec = exec.Command("perf", "record", "-F", "499", "-g", "-o", perfFile, "-p", strconv.Itoa(daemon.Process.Pid), "--", "sleep", strconv.Itoa(int(dur.Seconds())))
			rec.Stderr = os.Stderr
			if err := rec.Start(); err != nil {
				return fmt.Errorf("perf: %w", err)
			}
		}
		d := benchutil.Load(feedURL, conns, dur, maxRequests, nil)
		if rec != nil {
			rec.Wait()
		}
		during := srv.Requests.Load() - before
		// The same daemon once its pass is over: what serving costs alone.
		for deadline := time.Now().Add(2 * time.Minute); srv.Requests.Load() < int64(sources*(r+1)) && time.Now().Before(deadline); {
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(time.Second)
		var rec2 *exec.Cmd
		if perfFile != "" && r == 0 {
			rec2 = exec.Command("perf", "record", "-F", "499", "-g", "-o", perfFile+".after", "-p", strconv.Itoa(daemon.Process.Pid), "--", "sleep", strconv.Itoa(int(dur.Seconds())))
			if err := rec2.Start(); err != nil {
				return fmt.Errorf("perf: %w", err)
			}
		}
		idle := benchutil.Load(feedURL, conns, dur, maxRequests, nil)
		if rec2 != nil {
			rec2.Wait()
		}
		daemon.Process.Kill()
		daemon.Wait()

		// The same bytes from memory, under the same load, from a process
		// of its own as the daemon is (in this one, the server would share
		// the load client's scheduler and skip the switches between them).
		m, err := memoryLoad(dir, body, conns, dur)
		if err != nil {
			return err
		}

		fmt.Printf("run %d: tributary during the fetch pass %.0f req/s (p50 %v, p99 %v, %d errors; %d feeds fetched meanwhile); after it %.0f req/s (p99 %v); memory handler %.0f req/s (p99 %v); body %d bytes\n",
			r+1, d.RPS(), d.P50.Round(time.Microsecond), d.P99.Round(time.Microsecond), d.Errors, during,
			idle.RPS(), idle.P99.Round(time.Microsecond), m.RPS(), m.P99.Round(time.Microsecond), len(body))
		if d.Errors > 0 {
			fmt.Printf("  first error: %s\n", d.FirstErr)
		}
		ours, mem, p99s = append(ours, d.RPS()), append(mem, m.RPS()), append(p99s, d.P99)
		idles, idleP99s = append(idles, idle.RPS()), append(idleP99s, idle.P99)

	}
	o, m, i := benchutil.MedianF(ours), benchutil.MedianF(mem), benchutil.MedianF(idles)
	fmt.Printf("\nmedian of %d runs (%d cores):\n", runs, runtime.NumCPU())
	if sources == 0 {
		m = 1
	}
	fmt.Printf("  during a fetch pass: tributary %.0f req/s, ratio to the memory handler %.2f (target ≥ 0.80); p99 %v (target < 50ms)\n",
		o, o/m, benchutil.Median(p99s).Round(time.Microsecond))
	fmt.Printf("  after it:            tributary %.0f req/s, ratio %.2f; p99 %v\n", i, i/m, benchutil.Median(idleP99s).Round(time.Microsecond))
	fmt.Printf("  memory handler:      %.0f req/s\n", m)
	if shareSrv != nil {
		fmt.Printf("  fetching under the flood: %.2f of its unloaded rate (target ≥ 0.40); /feed.atom p99 %v (target < 50ms); memory handler's p99 beside it %v\n",
			benchutil.MedianF(ratios), benchutil.Median(shareP99s).Round(time.Microsecond), benchutil.Median(memP99s).Round(time.Microsecond))
	}
	return nil
}

// shareResult is one fetch-share measure: fetches per second without
// readers and under the flood, and the flood's figures.
type shareResult struct {
	unloaded, loaded float64
	load             benchutil.LoadResult
	mem              benchutil.LoadResult // the memory handler, the daemon fetching beside it
}

// measureShare runs the daemon on srv's sources, due every share.every, and
// counts the fetches (requests to srv) in dur without readers, then in dur
// under the flood of conns connections on /feed.atom, then in dur without
// readers again.
func measureShare(bin, dir string, srv *feedProcess, conns int, dur time.Duration) (shareResult, error) {
	var res shareResult
	os.MkdirAll(dir, 0o755)
	addr, err := freeAddr()
	if err != nil {
		return res, err
	}
	urls := make([]string, share.sources)
	for i := range urls {
		urls[i] = srv.feedURL(i)
	}
	extra := fmt.Sprintf("[fetch]\nschedule = \"@every %v\"\nmin_interval = \"%v\"\njitter = \"%v\"\nper_host = 8\n", share.every, share.every, share.every)
	if share.bg > 0 {
		extra += fmt.Sprintf("background_cores = %v\n", share.bg)
	}
	extra += share.extra
	cfg, err := benchutil.Config(dir, addr, urls, extra)
	if err != nil {
		return res, err
	}
	daemon := exec.Command(bin, "run", "--config", cfg)
	daemon.Stderr = io.Discard
	if err := daemon.Start(); err != nil {
		return res, err
	}
	defer func() { daemon.Process.Kill(); daemon.Wait() }()
	feedURL := "http://" + addr + "/feed.atom"
	if _, err := waitBody(feedURL); err != nil {
		return res, err
	}
	// Past the first pass (every source fetched once), then a little more.
	start := srv.requests()
	for deadline := time.Now().Add(2 * time.Minute); srv.requests()-start < int64(share.sources) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	n0, t0 := srv.requests(), time.Now()
	time.Sleep(dur)
	res.unloaded = float64(srv.requests()-n0) / time.Since(t0).Seconds()
	n1, t1 := srv.requests(), time.Now()
	res.load = benchutil.Load(feedURL, conns, dur, maxRequests, nil)
	res.loaded = float64(srv.requests()-n1) / time.Since(t1).Seconds()
	// Unloaded again, after the flood: the rate without readers is the mean
	// of the two, so that other jobs' load drifting over the run moves
	// both sides of the ratio alike.
	n2, t2 := srv.requests(), time.Now()
	time.Sleep(dur)
	res.unloaded = (res.unloaded + float64(srv.requests()-n2)/time.Since(t2).Seconds()) / 2
	// What the machine allows readers now: the last body served from memory
	// under the same flood, the daemon still fetching beside it (at full
	// speed: nobody waits for its gate).
	body, err := waitBody(feedURL)
	if err != nil {
		return res, err
	}
	res.mem, err = memoryLoad(dir, body, conns, dur)
	return res, err
}

// memoryLoad serves body from memory in a process of its own (this program,
// re-executed) and loads it as the daemon was loaded.
func memoryLoad(dir string, body []byte, conns int, dur time.Duration) (benchutil.LoadResult, error) {
	var m benchutil.LoadResult
	bodyPath := filepath.Join(dir, "body.atom")
	if err := os.WriteFile(bodyPath, body, 0o644); err != nil {
		return m, err
	}
	memAddr, err := freeAddr()
	if err != nil {
		return m, err
	}
	self, err := os.Executable()
	if err != nil {
		return m, err
	}
	plain := exec.Command(self, "-memory-handler", bodyPath, "-listen", memAddr)
	plain.Stderr = os.Stderr
	if err := plain.Start(); err != nil {
		return m, err
	}
	defer func() { plain.Process.Kill(); plain.Wait() }()
	if _, err := waitBody("http://" + memAddr + "/feed.atom"); err != nil {
		return m, err
	}
	return benchutil.Load("http://"+memAddr+"/feed.atom", conns, dur, maxRequests, nil), nil
}

// feedProcess is feedgen's server, every answer new bytes, in a process of
// its own (this program, re-executed): in the bench's process, it would
// share the load client's two threads and answer slower under the flood,
// which would count against the daemon's fetching.
type feedProcess struct {
	cmd        *exec.Cmd
	url, count string // the feeds' base URL; the URL answering the request count
}

func startFeedProcess(n int) (*feedProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-feed-server", strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &feedProcess{cmd: cmd}
	if _, err := fmt.Fscan(out, &p.url, &p.count); err != nil {
		p.close()
		return nil, fmt.Errorf("feed server: %w", err)
	}
	return p, nil
}

func (p *feedProcess) feedURL(i int) string { return fmt.Sprintf("%s/feed/%d.xml", p.url, i) }

// requests is how many requests the feeds have had.
func (p *feedProcess) requests() int64 {
	resp, err := http.Get(p.count)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var n int64
	fmt.Fscan(resp.Body, &n)
	return n
}

func (p *feedProcess) close() { p.cmd.Process.Kill(); p.cmd.Wait() }

// changingFeeds is the feed process: n feeds, new bytes at every request;
// it prints the feeds' URL and the count's, then serves until killed.
func changingFeeds(n int) {
	srv, err := feedgen.Start(n, 20)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	srv.Changing = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	fmt.Printf("%s http://%s/count\n", srv.URL, ln.Addr())
	err = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, srv.Requests.Load())
	}))
	fmt.Fprintln(os.Stderr, "serve:", err)
	os.Exit(1)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitBody waits for the daemon to serve url and returns the body.
func waitBody(url string) ([]byte, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			b, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && resp.StatusCode == 200 && bytes.Contains(b, []byte("<entry")) {
				return b, nil
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("daemon did not serve %s with entries in 30s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// memoryHandler serves the bytes of file at every path on addr until killed:
// Content-Type and Content-Length set, as tributary sends them.
func memoryHandler(file, addr string) {
	body, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	n := strconv.Itoa(len(body))
	err = http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Header().Set("Content-Length", n)
		w.Write(body)
	}))
	fmt.Fprintln(os.Stderr, "serve:", err)
	os.Exit(1)
}
