package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
)

// Watch answers at once for a version already passed, wakes for a commit
// that changes what is published, and ends with its context.
func TestWatch(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, nil)
	v0 := st.Version()
	if v, err := st.Watch(ctx, v0-1); v != v0 || err != nil {
		t.Fatalf("Watch of a passed version: %d, %v; want %d at once", v, err, v0)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if v, err := st.Watch(done, v0); v != v0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("Watch with nothing new and its context ended: %d, %v", v, err)
	}
	woke := make(chan uint64, 1)
	go func() {
		v, _ := st.Watch(ctx, v0)
		woke <- v
	}()
	if _, err := st.Apply(ctx, "s", SourceState{}, []article.Article{art("s", "1", "One", time.Now())}); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-woke:
		if v == v0 || v != st.Version() {
			t.Errorf("Watch woke with %d; version was %d, is %d", v, v0, st.Version())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Watch did not wake for a commit")
	}
}
