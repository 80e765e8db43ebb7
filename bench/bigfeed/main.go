// Command bigfeed measures what one huge feed costs the daemon: `tributary
// run` fetches 300 ordinary sources and one huge feed, all due every few
// seconds and changed at every request (so every fetch parses, normalises
// and stores), and reports the ordinary sources' fetch-to-stored latency
// (each fetch's logged duration: request, parse, normalise, store) and the
// daemon's peak RSS (VmHWM), against a run without the huge feed. Run from
// the repository root:
//
//	go run ./bench/bigfeed -runs 3                 # the 200,000-item feed
//	go run ./bench/bigfeed -runs 3 -shape nested   # 2,800 items nested 250 deep
//	go run ./bench/bigfeed -bin /tmp/old/tributary # another build (flags only it knows are not written)
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tributary-feeds/tributary/bench/internal/benchutil"
	"github.com/tributary-feeds/tributary/bench/internal/feedgen"
)

func main() {
	sources := flag.Int("sources", 300, "ordinary sources")
	shape := flag.String("shape", "flat", "the huge feed: flat (200,000 small items, ~6.7 MB) or nested (2,800 items, each 250 extension elements deep, ~7.9 MB)")
	dur := flag.Duration("duration", 30*time.Second, "length of each run")
	every := flag.String("every", "5s", "every source's schedule interval")
	runs := flag.Int("runs", 3, "runs; medians are reported")
	bin := flag.String("bin", "", "a tributary binary to measure (default: build this checkout)")
	flag.Parse()
	if err := run(*sources, *shape, *dur, *every, *runs, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "bigfeed:", err)
		os.Exit(1)
	}
}

// hugeFeed is the huge document in two versions (their channel titles
// differ), so that every fetch gets new bytes to parse.
func hugeFeed(shape string, version int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:x="urn:x"><channel><title>Huge %d</title><link>https://huge.example/</link>
`, version)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	switch shape {
	case "nested":
		for i := range 2800 {
			fmt.Fprintf(&b, `<item><title>Item %d</title><guid>h%d</guid><pubDate>%s</pubDate>`, i, i, base.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z))
			b.WriteString(strings.Repeat("<x:a>", 250))
			b.WriteString("y")
			b.WriteString(strings.Repeat("</x:a>", 250))
			b.WriteString("</item>\n")
		}
	default:
		for i := range 200_000 {
			fmt.Fprintf(&b, "<item><title>%d</title></item>", i)
		}
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// server serves the ordinary sources (feedgen's, 20 items each, new bytes
// at every request) and, at /huge.xml, the huge feed, alternating its two
// versions. No validators: every fetch parses.
type server struct {
	gen  *feedgen.Server
	huge [2][]byte
	n    atomic.Int64
	srv  *http.Server
	url  string
}

func startServer(sources int, shape string) (*server, error) {
	gen, err := feedgen.Start(sources, 20)
	if err != nil {
		return nil, err
	}
	gen.Changing = true
	s := &server{gen: gen}
	for v := range 2 {
		s.huge[v] = hugeFeed(shape, v)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.url = "http://" + ln.Addr().String() + "/huge.xml"
	s.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(s.huge[s.n.Add(1)%2])
	})}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *server) Close() {
	s.gen.Close()
	s.srv.Close()
}

// result is one run's figures.
type result struct {
	fetches         int
	p50, p99, worst time.Duration // ordinary sources' fetch durations
	hugeFetches     int
	hugeDur         time.Duration // the huge feed's median fetch
	hugeOutcome     string
	peakRSS         int64 // bytes
}

func run(sources int, shape string, dur time.Duration, every string, runs int, bin string) error {
	tmp, err := os.MkdirTemp("", "tributary-bench-bigfeed")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if bin == "" {
		if bin, err = benchutil.Build(tmp); err != nil {
			return err
		}
	}
	srv, err := startServer(sources, shape)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Printf("machine: %d cores, %s; %d sources every %s, each fetch new bytes; huge feed: %s, %d bytes; %v per run\n",
		runtime.NumCPU(), runtime.Version(), sources, every, shape, len(srv.huge[0]), dur)
	var with, without []result
	for r := range runs {
		for _, huge := range []bool{false, true} {
			res, err := once(tmp, bin, srv, sources, every, dur, huge, r)
			if err != nil {
				return err
			}
			label := "without the huge feed"
			if huge {
				label = "with the huge feed   "
				with = append(with, res)
			} else {
				without = append(without, res)
			}
			fmt.Printf("run %d %s: %d ordinary fetches, latency p50 %v p99 %v max %v; peak RSS %d MB",
				r+1, label, res.fetches, res.p50.Round(time.Millisecond), res.p99.Round(time.Millisecond), res.worst.Round(time.Millisecond), res.peakRSS>>20)
			if huge {
				fmt.Printf("; huge feed fetched %d times (median %v, last outcome %s)", res.hugeFetches, res.hugeDur.Round(time.Millisecond), res.hugeOutcome)
			}
			fmt.Println()
		}
	}
	med := func(rs []result, f func(result) time.Duration) time.Duration {
		var ds []time.Duration
		for _, r := range rs {
			ds = append(ds, f(r))
		}
		return benchutil.Median(ds)
	}
	rss := func(rs []result) float64 {
		var fs []float64
		for _, r := range rs {
			fs = append(fs, float64(r.peakRSS>>20))
		}
		return benchutil.MedianF(fs)
	}
	fmt.Printf("\nmedian of %d runs (%d cores):\n", runs, runtime.NumCPU())
	for _, row := range []struct {
		label string
		rs    []result
	}{{"without the huge feed", without}, {"with the huge feed", with}} {
		fmt.Printf("  %-22s ordinary fetch-to-stored p50 %v, p99 %v (target < 2s), max %v; peak RSS %.0f MB (target < 300 MB)\n", row.label,
			med(row.rs, func(r result) time.Duration { return r.p50 }).Round(time.Millisecond),
			med(row.rs, func(r result) time.Duration { return r.p99 }).Round(time.Millisecond),
			med(row.rs, func(r result) time.Duration { return r.worst }).Round(time.Millisecond), rss(row.rs))
	}
	return nil
}

// once runs the daemon for dur and reads its fetch log lines.
func once(tmp, bin string, srv *server, sources int, every string, dur time.Duration, huge bool, r int) (result, error) {
	dir := filepath.Join(tmp, fmt.Sprintf("run%d-%v", r, huge))
	os.MkdirAll(dir, 0o755)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	addr := ln.Addr().String()
	ln.Close()
	urls := make([]string, sources)
	for i := range urls {
		urls[i] = srv.gen.FeedURL(i)
	}
	if huge {
		urls = append(urls, srv.url)
	}
	cfg, err := benchutil.Config(dir, addr, urls, fmt.Sprintf("[fetch]\nschedule = \"@every %s\"\njitter = %q\nper_host = 8\n", every, every))
	if err != nil {
		return result{}, err
	}
	daemon := exec.Command(bin, "run", "--config", cfg, "--log-format", "json")
	stderr, err := daemon.StderrPipe()
	if err != nil {
		return result{}, err
	}
	if err := daemon.Start(); err != nil {
		return result{}, err
	}
	hugeName := fmt.Sprintf("s%d", sources)
	var lat, hugeLat []time.Duration
	var last string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var l struct {
				Msg, Source, Outcome, Error string
				Duration                    json.RawMessage
			}
			if json.Unmarshal(sc.Bytes(), &l) != nil || l.Msg != "fetch" {
				continue
			}
			d := parseDuration(l.Duration)
			if l.Source == hugeName {
				hugeLat = append(hugeLat, d)
				last = l.Outcome
				if l.Error != "" {
					last += ": " + l.Error
				}
			} else if l.Outcome != "error" {
				lat = append(lat, d)
			}
		}
	}()
	var peak int64
	for end := time.Now().Add(dur); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		peak = max(peak, vmHWM(daemon.Process.Pid))
	}
	daemon.Process.Signal(os.Interrupt)
	go func() { time.Sleep(15 * time.Second); daemon.Process.Kill() }()
	<-done
	daemon.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	res := result{fetches: len(lat), hugeFetches: len(hugeLat), hugeDur: benchutil.Median(hugeLat), hugeOutcome: last, peakRSS: peak}
	if len(lat) > 0 {
		res.p50, res.p99, res.worst = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	}
	return res, nil
}

// parseDuration reads a logged duration: nanoseconds, or a Go duration string.
func parseDuration(raw json.RawMessage) time.Duration {
	var ns int64
	if json.Unmarshal(raw, &ns) == nil {
		return time.Duration(ns)
	}
	var s string
	json.Unmarshal(raw, &s)
	d, _ := time.ParseDuration(s)
	return d
}

// vmHWM is the process's peak resident set size, in bytes.
func vmHWM(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
