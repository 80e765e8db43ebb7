package publisher

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

// Concurrent misses of one key render once; while a render of a newer store
// version runs, readers get the earlier entry whole, and cachedFresh waits
// for the new one.
func TestCachedRendersOnceAndServesEarlierBytes(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	p := New(testConfig(), st, nil)
	s := p.state()
	k := cacheKey{kind: "test"}
	var renders atomic.Int32
	release := make(chan struct{})
	slow := func(body string) func() ([]byte, string, error) {
		return func() ([]byte, string, error) {
			renders.Add(1)
			<-release
			return []byte(body), "text/plain", nil
		}
	}

	var wg sync.WaitGroup
	got := make([]*entry, 8)
	for i := range got {
		wg.Go(func() {
			e, err := p.cached(ctx, s, k, slow("one"))
			if err != nil {
				t.Error(err)
			}
			got[i] = e
		})
	}
	for p.flightCount() == 0 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Fatalf("%d renders for 8 concurrent misses, want 1", n)
	}
	for _, e := range got {
		if e != got[0] || string(e.body) != "one" {
			t.Fatalf("readers got different entries")
		}
	}

	// The store changes: a render of the new version starts and blocks.
	apply(t, st, "alpha", store.SourceState{URL: "http://alpha.test/feed.xml"}, article.Article{GUID: "1", Title: "t", Published: t0})
	release = make(chan struct{})
	done := make(chan *entry)
	go func() {
		e, _ := p.cached(ctx, s, k, slow("two"))
		done <- e
	}()
	for p.flightCount() == 0 {
		runtime.Gosched()
	}
	e, err := p.cached(ctx, s, k, slow("never"))
	if err != nil || e != got[0] {
		t.Fatalf("during the render: %v %v, want the earlier entry", e, err)
	}
	fresh := make(chan *entry)
	go func() {
		e, _ := p.cachedFresh(ctx, s, k, slow("never"))
		fresh <- e
	}()
	close(release)
	two := <-done
	if string(two.body) != "two" || two.etag == got[0].etag {
		t.Fatalf("new render: %q %s", two.body, two.etag)
	}
	if f := <-fresh; f != two {
		t.Fatalf("cachedFresh got %q, want the new render", f.body)
	}
	if n := renders.Load(); n != 2 {
		t.Fatalf("%d renders, want 2", n)
	}
}

func (p *Publisher) flightCount() int {
	p.flightMu.Lock()
	defer p.flightMu.Unlock()
	return len(p.flights)
}

// A render that writes the cache and ends its flight between another
// request's cache miss and that request's look for a flight must not make
// that request render again: it looks at the cache again under the flight
// lock. The hook runs a whole render at exactly that moment.
func TestCachedLooksAgainAfterAMiss(t *testing.T) {
	ctx := context.Background()
	p := New(testConfig(), openStore(t), nil)
	s := p.state()
	k := cacheKey{kind: "test"}
	var renders atomic.Int32
	render := func() ([]byte, string, error) {
		renders.Add(1)
		return []byte("once"), "text/plain", nil
	}
	var inner *entry
	p.testHookMiss = func() {
		p.testHookMiss = nil // the nested request runs without the hook
		e, err := p.cached(ctx, s, k, render)
		if err != nil {
			t.Error(err)
		}
		inner = e
	}
	e, err := p.cached(ctx, s, k, render)
	if err != nil {
		t.Fatal(err)
	}
	if n := renders.Load(); n != 1 {
		t.Fatalf("%d renders, want 1: the request that missed rendered again after the other render ended", n)
	}
	if e != inner {
		t.Fatal("the two requests got different entries")
	}
}
