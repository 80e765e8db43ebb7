package publisher

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/tributary-feeds/tributary/internal/cpushare"
)

// While scheduled fetching runs its CPU work on a two-core machine, readers'
// CPU work (renders, writing bodies) runs one at a time: a request waits at
// the gate while another holds it, and goes on when it is let in. Without
// fetching, requests do not wait.
func TestReadersGiveWayToFetching(t *testing.T) {
	gate := cpushare.New(2)
	p := New(testConfig(), sampleStore(t), nil)
	p.GiveWay(gate)
	h := p.Handler()
	get(t, h, "http://tributary.test/feed.atom") // rendered and cached

	gate.Busy(1) // a background fetch works
	if err := gate.Enter(context.Background()); err != nil {
		t.Fatal(err) // another reader's write
	}
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://tributary.test/feed.atom", nil))
		done <- rec.Code
	}()
	for gate.Waiting() == 0 { // the request reaches the gate soon
		select {
		case code := <-done:
			t.Fatalf("request answered %d while the gate was full", code)
		default:
			runtime.Gosched()
		}
	}
	gate.Leave()
	if code := <-done; code != http.StatusOK {
		t.Fatalf("status %d after the gate let it in", code)
	}

	gate.Idle() // fetching done: nobody waits
	if err := gate.Enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer gate.Leave()
	if resp, _ := get(t, h, "http://tributary.test/feed.atom"); resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d without fetching", resp.StatusCode)
	}
}
