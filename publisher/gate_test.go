package publisher

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

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

// stuckWriter is a client that does not read: its body's Write blocks until
// told.
type stuckWriter struct {
	*httptest.ResponseRecorder
	writing chan struct{}
	unblock chan struct{}
}

func (w *stuckWriter) Write(b []byte) (int, error) {
	close(w.writing)
	<-w.unblock
	return w.ResponseRecorder.Write(b)
}

// A reader that does not read keeps its place at the gate for writeHold at
// most: while fetching runs, the others are served meanwhile.
func TestStuckReaderDoesNotHoldTheGate(t *testing.T) {
	gate := cpushare.New(2)
	p := New(testConfig(), sampleStore(t), nil)
	p.GiveWay(gate)
	h := p.Handler()
	get(t, h, "http://tributary.test/feed.atom") // rendered and cached
	gate.Busy(1)
	defer gate.Idle()

	stuck := &stuckWriter{httptest.NewRecorder(), make(chan struct{}), make(chan struct{})}
	go h.ServeHTTP(stuck, httptest.NewRequest(http.MethodGet, "http://tributary.test/feed.atom", nil))
	<-stuck.writing
	defer close(stuck.unblock)
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://tributary.test/feed.atom", nil))
		done <- rec.Code
	}()
	select {
	case code := <-done:
		if code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	case <-time.After(20 * time.Second): // writeHold is 2 ms: generous slack
		t.Fatal("a reader waited behind a client that does not read")
	}
}
