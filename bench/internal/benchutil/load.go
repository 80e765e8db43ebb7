package benchutil

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"
)

// LoadResult is what a bounded load run measured.
type LoadResult struct {
	Requests int
	Errors   int
	FirstErr string // what the first error was
	Elapsed  time.Duration
	P50, P99 time.Duration
}

// RPS is requests per second.
func (r LoadResult) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Load sends GET url from conns connections, each waiting for its answer
// before the next request, for d at most and maxRequests at most.
// header, when not nil, is added to every request.
func Load(url string, conns int, d time.Duration, maxRequests int, header http.Header) LoadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var firstErr string
	var wg sync.WaitGroup
	budget := make(chan struct{}, maxRequests)
	for range maxRequests {
		budget <- struct{}{}
	}
	close(budget)
	start := time.Now()
	for range conns {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			first := ""
			for range budget {
				if ctx.Err() != nil {
					break
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				for k, v := range header {
					req.Header[k] = v
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						bad++
						if first == "" {
							first = err.Error()
						}
					}
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					if ctx.Err() == nil {
						bad++
						if first == "" {
							first = fmt.Sprintf("status %d, body error %v", resp.StatusCode, err)
						}
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			if firstErr == "" {
				firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	r := LoadResult{Requests: len(lat), Errors: errs, FirstErr: firstErr, Elapsed: time.Since(start)}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		r.P50 = lat[len(lat)/2]
		r.P99 = lat[len(lat)*99/100]
	}
	return r
}
