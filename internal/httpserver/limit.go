package httpserver

import (
	"container/list"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Limiter caps the connections a server holds open. At the cap, a new
// connection closes another to take its place: the one idle longest
// between keep-alive requests, else the one that has been accepted longest
// without sending a request, once that is more than newGrace; only when
// every connection is busy with a request (or just arrived) does Accept
// wait. So idle and silent connections, however many a client opens, never
// keep a fresh reader out for long. (A plain limiting listener would let
// idle keep-alive connections starve new clients until their idle timeout.)
type Limiter struct {
	max     int
	evicted atomic.Uint64

	mu     sync.Mutex
	cond   sync.Cond
	open   int
	idle   list.List // of *conn idle between requests, longest first
	fresh  list.List // of *conn accepted and not yet sending, oldest first
	closed bool
}

// newGrace is how long a just-accepted connection has to start its request
// before, at the cap, it may be closed to make room: a real client sends at
// once, within a round trip.
const newGrace = 500 * time.Millisecond

// NewLimiter returns a Limiter of n connections (at least 1).
func NewLimiter(n int) *Limiter {
	l := &Limiter{max: max(1, n)}
	l.cond.L = &l.mu
	return l
}

// Max is the cap.
func (l *Limiter) Max() int { return l.max }

// Evicted is how many idle connections were closed to make room.
func (l *Limiter) Evicted() uint64 { return l.evicted.Load() }

// Open is how many connections are open now.
func (l *Limiter) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// Listener wraps ln: Accept holds to the cap.
func (l *Limiter) Listener(ln net.Listener) net.Listener { return &listener{Listener: ln, l: l} }

// ConnState is the http.Server.ConnState hook that tells l which
// connections are idle; New installs it.
func (l *Limiter) ConnState(nc net.Conn, st http.ConnState) {
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c.unlist()
	if c.released {
		return
	}
	switch st {
	case http.StateIdle:
		c.list, c.since = &l.idle, time.Now()
	case http.StateNew:
		c.list, c.since = &l.fresh, time.Now()
	default:
		return
	}
	c.el = c.list.PushBack(c)
	l.cond.Broadcast()
}

// victim is the connection to close to make room, else how long until a
// silent new one may be closed (0: none; wait for a change). Callers hold
// l.mu.
func (l *Limiter) victim(now time.Time) (*conn, time.Duration) {
	if front := l.idle.Front(); front != nil {
		return front.Value.(*conn), 0
	}
	if front := l.fresh.Front(); front != nil {
		c := front.Value.(*conn)
		if wait := c.since.Add(newGrace).Sub(now); wait > 0 {
			return nil, wait
		}
		return c, 0
	}
	return nil, 0
}

type listener struct {
	net.Listener
	l *Limiter
}

func (ln *listener) Accept() (net.Conn, error) {
	nc, err := ln.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l := ln.l
	l.mu.Lock()
	for l.open >= l.max && !l.closed {
		victim, wait := l.victim(time.Now())
		if victim == nil {
			// Every connection is busy, or new: wait for one to end, idle,
			// or outstay its grace.
			var t *time.Timer
			if wait > 0 {
				t = time.AfterFunc(wait, func() {
					l.mu.Lock()
					l.cond.Broadcast()
					l.mu.Unlock()
				})
			}
			l.cond.Wait()
			if t != nil {
				t.Stop()
			}
			continue
		}
		victim.unlist()
		l.mu.Unlock()
		victim.Close()
		l.evicted.Add(1)
		l.mu.Lock()
	}
	if l.closed {
		l.mu.Unlock()
		nc.Close()
		return nil, net.ErrClosed
	}
	l.open++
	l.mu.Unlock()
	return &conn{Conn: nc, l: l}, nil
}

func (ln *listener) Close() error {
	ln.l.mu.Lock()
	ln.l.closed = true
	ln.l.cond.Broadcast()
	ln.l.mu.Unlock()
	return ln.Listener.Close()
}

// conn is one counted connection; closing it gives its place back once.
type conn struct {
	net.Conn
	l    *Limiter
	once sync.Once

	// Guarded by l.mu.
	list     *list.List    // l.idle or l.fresh, nil while busy
	el       *list.Element // c in list
	since    time.Time     // when it joined list
	released bool
}

// unlist takes c off the idle or fresh list. Callers hold c.l.mu.
func (c *conn) unlist() {
	if c.list != nil {
		c.list.Remove(c.el)
		c.list, c.el = nil, nil
	}
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		l := c.l
		l.mu.Lock()
		c.unlist()
		c.released = true
		l.open--
		l.cond.Broadcast()
		l.mu.Unlock()
	})
	return err
}

// Bounds of the default connection cap.
const (
	minDefaultConns = 16
	maxDefaultConns = 4096
)

// DefaultMaxConnections is the cap for a process allowed nofile open
// descriptors (RLIMIT_NOFILE): what is left after a reserve of a quarter of
// them, and at least 256, for fetching, enrichment, the store and logs;
// within 16 and 4096 (each idle connection costs some tens of KB).
func DefaultMaxConnections(nofile uint64) int {
	reserve := max(256, nofile/4)
	if nofile <= reserve {
		return minDefaultConns
	}
	return int(min(max(nofile-reserve, minDefaultConns), maxDefaultConns))
}
