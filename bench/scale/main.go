// Command scale measures the daemon at scale: 10,000 configured sources and
// 1,000,000 stored articles. It builds the store with the public API
// (store.ApplyGrouped from many goroutines, so that bbolt groups the sources
// into large transactions), each source's state saying it was fetched just
// now and is due in a day, then starts `tributary run` on it with the 10,000
// sources configured (their feeds served on loopback, not due during the
// run) and measures, per run: /feed.atom latency cold (the first request
// after the daemon answers /healthz) and warm, the /metrics scrape, the
// daemon's memory without the store's file-backed pages (Go heap in use from
// /metrics, and "Anonymous:" of /proc/PID/smaps_rollup), then, with the
// daemon stopped, store.Stats and a retention sweep expiring the oldest ~3%
// (each run a further ~3%). With -keep DIR the store is built once and reused
// (DIR/scale.json remembers what was swept). Run from the repository root:
//
//	go run ./bench/scale -sources 10000 -articles 1000000 -runs 3
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/bench/internal/benchutil"
	"github.com/tributary-feeds/tributary/bench/internal/feedgen"
	"github.com/tributary-feeds/tributary/store"
)

func main() {
	sources := flag.Int("sources", 10000, "configured sources")
	articles := flag.Int("articles", 1000000, "stored articles, spread evenly over the sources")
	runs := flag.Int("runs", 3, "daemon starts; medians are reported")
	keep := flag.String("keep", "", "build (or reuse) the store in `DIR` and keep it, instead of a temporary one")
	flag.Parse()
	if err := run(*sources, *articles, *runs, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

// year is the span the articles' published times are spread over.
const year = 365 * 24 * time.Hour

func run(sources, articles, runs int, keep string) error {
	tmp, err := os.MkdirTemp("", "tributary-bench-scale")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dir := tmp
	if keep != "" {
		dir = keep
		os.MkdirAll(dir, 0o755)
	}
	bin, err := benchutil.Build(tmp)
	if err != nil {
		return err
	}
	fmt.Printf("machine: %d cores, %s; %d sources, %d articles\n", runtime.NumCPU(), runtime.Version(), sources, articles)

	dbPath := filepath.Join(dir, "tributary.db")
	notes := filepath.Join(dir, "scale.json") // when it was built, how much swept, where its feeds are
	var built builtStore
	reuse := false
	if b, err := os.ReadFile(notes); err == nil && json.Unmarshal(b, &built) == nil && fileExists(dbPath) && built.Feeds != "" {
		reuse = true
		fmt.Printf("reusing %s, built %v, %.0f%% swept already\n", dbPath, built.At.Round(time.Second), built.Swept*100)
	} else {
		built = builtStore{At: time.Now(), Feeds: "127.0.0.1:0"}
	}
	// The feeds, on the address the stored states name (a source whose URL
	// changed would be fetched at once).
	srv, err := feedgen.StartOn(built.Feeds, sources, 1)
	if err != nil {
		return fmt.Errorf("serve the feeds on %s: %w", built.Feeds, err)
	}
	defer srv.Close()
	built.Feeds = strings.TrimPrefix(srv.URL, "http://")
	urls := make([]string, sources)
	for i := range urls {
		urls[i] = srv.FeedURL(i)
	}
	if !reuse {
		os.Remove(dbPath)
		start := time.Now()
		if err := build(dbPath, urls, articles, built.At); err != nil {
			return fmt.Errorf("build store: %w", err)
		}
		fmt.Printf("built the store in %v\n", time.Since(start).Round(time.Second))
		if b, err := json.Marshal(built); err == nil {
			os.WriteFile(notes, b, 0o644)
		}
	}
	now := built.At
	stored, size, err := count(dbPath)
	if err != nil {
		return err
	}
	fmt.Printf("disk: %.2f GB for %d articles, %.0f bytes per article\n", float64(size)/1e9, stored, float64(size)/float64(stored))

	var ups, colds, warm50s, warm99s, scrapes, scrapes2, stats, sweeps []time.Duration
	var heaps, anons []float64
	for r := range runs {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		cfg, err := benchutil.Config(dir, addr, urls, "[fetch]\nschedule = \"@every 24h\"\njitter = \"1m\"\n")
		if err != nil {
			return err
		}
		daemon := exec.Command(bin, "run", "--config", cfg)
		daemon.Stderr = io.Discard
		t0 := time.Now()
		if err := daemon.Start(); err != nil {
			return err
		}
		base := "http://" + addr
		if err := waitHealthy(base + "/healthz"); err != nil {
			daemon.Process.Kill()
			return err
		}
		up := time.Since(t0)
		cold, err := timedGet(base + "/feed.atom")
		if err != nil {
			daemon.Process.Kill()
			return err
		}
		var warm []time.Duration
		for range 200 {
			d, err := timedGet(base + "/feed.atom")
			if err != nil {
				daemon.Process.Kill()
				return err
			}
			warm = append(warm, d)
		}
		scrape, _ := timedGet(base + "/metrics")  // the first scrape walks what the store holds
		scrape2, _ := timedGet(base + "/metrics") // the next ones, until a write, do not
		heap, err := metric(base+"/metrics", "go_memstats_heap_inuse_bytes")
		if err != nil {
			daemon.Process.Kill()
			return err
		}
		anon, err := anonymous(daemon.Process.Pid)
		if err != nil {
			daemon.Process.Kill()
			return err
		}
		fetched := srv.Requests.Load()
		daemon.Process.Signal(syscall.SIGTERM)
		daemon.Wait()
		if fetched > 0 {
			return fmt.Errorf("the daemon fetched %d feeds during run %d: the stored states do not match the config (rebuild without -keep)", fetched, r+1)
		}

		built.Swept += 0.03
		st, sw, res, err := statsAndSweep(dbPath, urls, now, built.Swept)
		if err != nil {
			return err
		}
		if b, err := json.Marshal(built); err == nil {
			os.WriteFile(notes, b, 0o644)
		}
		p50, p99 := pct(warm, 50), pct(warm, 99)
		fmt.Printf("run %d: up in %v; /feed.atom cold %v, warm p50 %v p99 %v; /metrics %v, again %v; heap in use %.1f MB, anonymous RSS %.1f MB; feeds fetched so far %d; store.Stats %v; sweep %v (%d expired)\n",
			r+1, up.Round(time.Millisecond), cold.Round(time.Microsecond), p50.Round(time.Microsecond), p99.Round(time.Microsecond), scrape.Round(time.Microsecond), scrape2.Round(time.Microsecond),
			heap/1e6, anon/1e6, fetched, st.Round(time.Microsecond), sw.Round(time.Millisecond), res.Expired)
		colds, warm50s, warm99s, scrapes = append(colds, cold), append(warm50s, p50), append(warm99s, p99), append(scrapes, scrape)
		scrapes2, ups = append(scrapes2, scrape2), append(ups, up)
		stats, sweeps = append(stats, st), append(sweeps, sw)
		heaps, anons = append(heaps, heap), append(anons, anon)
	}
	m := benchutil.Median
	fmt.Printf("\nmedian of %d runs (%d cores): daemon up (answering /healthz) in %v; /feed.atom cold %v, warm p50 %v, p99 %v; /metrics scrape %v (again %v); store.Stats %v\n",
		runs, runtime.NumCPU(), m(ups).Round(time.Millisecond), m(colds).Round(time.Microsecond), m(warm50s).Round(time.Microsecond), m(warm99s).Round(time.Microsecond),
		m(scrapes).Round(time.Microsecond), m(scrapes2).Round(time.Microsecond), m(stats).Round(time.Microsecond))
	fmt.Printf("  memory: Go heap in use %.1f MB, anonymous RSS %.1f MB (target < 200 MB)\n",
		benchutil.MedianF(heaps)/1e6, benchutil.MedianF(anons)/1e6)
	fmt.Printf("  retention sweep expiring ~3%% of the articles: %v\n", m(sweeps).Round(time.Millisecond))
	fmt.Printf("  disk: %.0f bytes per article (the file over what it held at the start)\n", float64(size)/float64(stored))
	return nil
}

// build fills a new store: per source an equal share of the articles,
// published at random over the year before now, and a state saying the
// source was fetched at now and is next due a day later.
func build(path string, urls []string, articles int, now time.Time) error {
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	work := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	per := articles / len(urls)
	for range 128 { // bbolt groups these into transactions of up to 128 sources
		wg.Go(func() {
			for i := range work {
				n := per
				if i < articles%len(urls) {
					n++
				}
				name := fmt.Sprintf("s%d", i)
				r := rand.New(rand.NewPCG(uint64(i), 7))
				arts := make([]article.Article, n)
				for j := range arts {
					arts[j] = benchArticle(r, name, i, j, now)
				}
				state := store.SourceState{Name: name, URL: urls[i], Title: "Source " + strconv.Itoa(i),
					ETag: `"x"`, LastAttempt: now.UTC(), LastSuccess: now.UTC(), Status: 200,
					NextAttempt: now.Add(24 * time.Hour).UTC(), NextReason: "schedule"}
				if _, err := st.ApplyGrouped(ctx, name, state, arts); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for i := range urls {
		select {
		case err := <-errs:
			close(work)
			wg.Wait()
			return err
		case work <- i:
		}
		if i%1000 == 999 {
			fmt.Printf("  built %d sources\n", i+1)
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	return nil
}

var words = strings.Fields("the river ran high in spring and the herons came back to the mudflats at dawn while tide tables told of salt")

// benchArticle is a typical stored article, as the store's own benchmark
// makes them: a title, a byline, a summary and about 1.5 KB of HTML.
func benchArticle(r *rand.Rand, src string, i, j int, now time.Time) article.Article {
	pub := now.Add(-time.Duration(r.Int64N(int64(year)))).UTC().Truncate(time.Second)
	var sb strings.Builder
	for sb.Len() < 1500 {
		sb.WriteString("<p>")
		for range 12 {
			sb.WriteString(words[r.IntN(len(words))])
			sb.WriteByte(' ')
		}
		sb.WriteString("</p>")
	}
	n := r.IntN(40)
	guid := fmt.Sprintf("https://source%d.example/posts/%d", i, j)
	return article.Article{
		ID: article.NewID(src, guid, guid, "", time.Time{}), Source: src, GUID: guid, Link: guid,
		Title: fmt.Sprintf("Article %d of source %d", j, i), Authors: []string{"Ana Example"},
		Published: pub, Updated: pub, Summary: "<p>" + sb.String()[3:300] + "</p>", Content: sb.String(),
		ReadTime: 2, Comments: &n, Categories: []string{"nature"},
		From: map[string]string{"author": "dc:creator"},
	}
}

// builtStore is what the next run on a kept store needs to know.
type builtStore struct {
	At    time.Time // the articles were published over the year before
	Swept float64   // share of that year expired so far
	Feeds string    // the feed server's address
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// statsAndSweep times store.Stats and a sweep that expires what was
// published more than (1 - swept) years before now: a further ~3% each run.
func statsAndSweep(path string, urls []string, now time.Time, swept float64) (time.Duration, time.Duration, store.SweepResult, error) {
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		return 0, 0, store.SweepResult{}, err
	}
	defer st.Close()
	start := time.Now()
	if _, err := st.Stats(ctx); err != nil {
		return 0, 0, store.SweepResult{}, err
	}
	ds := time.Since(start)
	pol := store.RetentionPolicy{Sources: map[string]store.Limits{}, OrphanGrace: 24 * time.Hour}
	for i := range urls {
		pol.Sources[fmt.Sprintf("s%d", i)] = store.Limits{}
	}
	maxAge := time.Since(now) + time.Duration(float64(year)*(1-swept))
	pol.Default.MaxAge = maxAge
	start = time.Now()
	res, err := st.Sweep(ctx, pol)
	return ds, time.Since(start), res, err
}

// count is what the store at path holds, and its file's size.
func count(path string) (int, int64, error) {
	st, err := store.Open(context.Background(), path, store.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	s, err := st.Stats(context.Background())
	return s.Articles, s.FileSize, err
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(url string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(url)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("daemon did not answer %s in 2 minutes: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// timedGet times one GET on a fresh connection's worth of client, body read.
func timedGet(url string) (time.Duration, error) {
	start := time.Now()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return d, err
}

// metric reads one unlabelled value from a Prometheus text page.
func metric(url, name string) (float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("%s: no %s", url, name)
}

// anonymous reads "Anonymous:" (kB) of /proc/PID/smaps_rollup, in bytes: the
// process's memory that is not file-backed (the store's mmap is).
func anonymous(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("Anonymous:")); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(string(v)), " kB"), 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no Anonymous: in smaps_rollup of %d", pid)
}

// pct is the p-th percentile of ds.
func pct(ds []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, len(s)*p/100)]
}
