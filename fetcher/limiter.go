package fetcher

import (
	"context"
	"sync"
)

// limiter bounds how many holders a key may have at once (per host name, or
// one key for the global limit). The bound is given at each acquire, so a
// reloaded configuration applies to the next request. Waiters are served in
// arrival order.
type limiter struct {
	mu   sync.Mutex
	keys map[string]*slots
}

type slots struct {
	held    int
	max     int // the bound last asked for
	waiters []chan struct{}
}

func newLimiter() *limiter { return &limiter{keys: map[string]*slots{}} }

// acquire waits for a slot on key, at most max held at once.
func (l *limiter) acquire(ctx context.Context, key string, max int) error {
	if max < 1 {
		max = 1
	}
	l.mu.Lock()
	s := l.keys[key]
	if s == nil {
		s = &slots{}
		l.keys[key] = s
	}
	s.max = max
	if s.held < max && len(s.waiters) == 0 {
		s.held++
		l.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	s.waiters = append(s.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		for i, w := range s.waiters {
			if w == ch {
				s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
				l.mu.Unlock()
				return ctx.Err()
			}
		}
		l.mu.Unlock()
		// The slot was handed over meanwhile: give it back.
		l.release(key)
		return ctx.Err()
	}
}

// release frees a slot on key, handing it to the first waiter if any.
func (l *limiter) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.keys[key]
	if s == nil {
		return
	}
	if len(s.waiters) > 0 && s.held <= s.max {
		ch := s.waiters[0]
		s.waiters = s.waiters[1:]
		close(ch) // the slot passes on: held stays the same
		return
	}
	s.held--
	if s.held <= 0 && len(s.waiters) == 0 {
		delete(l.keys, key)
	}
}
