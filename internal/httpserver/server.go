// Package httpserver is the daemon's front door: an http.Server with every
// timeout set and request headers bounded, a listener that caps open
// connections (closing the longest-idle one to make room for a new client),
// and the response headers and request checks every answer gets.
package httpserver

import (
	"log"
	"log/slog"
	"net/http"
	"time"
)

// Limits of one server. A zero field takes its default.
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's headers (slow clients
	// holding a connection open byte by byte are cut off).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds a response, from the end of its request's
	// headers; a handler that needs longer (a backup download) extends its
	// own deadline with http.ResponseController.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that sends no new request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's headers (larger ones get 431).
	MaxHeaderBytes int
}

// Default limits: generous for any reader or feed client, short enough that
// idle and slow connections do not pile up.
var Default = Limits{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       30 * time.Second,
	WriteTimeout:      60 * time.Second,
	IdleTimeout:       90 * time.Second,
	MaxHeaderBytes:    32 << 10,
}

func (l Limits) withDefaults() Limits {
	d := Default
	if l.ReadHeaderTimeout > 0 {
		d.ReadHeaderTimeout = l.ReadHeaderTimeout
	}
	if l.ReadTimeout > 0 {
		d.ReadTimeout = l.ReadTimeout
	}
	if l.WriteTimeout > 0 {
		d.WriteTimeout = l.WriteTimeout
	}
	if l.IdleTimeout > 0 {
		d.IdleTimeout = l.IdleTimeout
	}
	if l.MaxHeaderBytes > 0 {
		d.MaxHeaderBytes = l.MaxHeaderBytes
	}
	return d
}

// New returns a server of h, wrapped in Secure, within limits. When conns
// is not nil it must be the Limiter whose Listener the server serves: the
// server tells it which connections are idle. The server's own errors
// (accept errors such as running out of descriptors, handler panics) go to
// logger as warnings.
func New(h http.Handler, limits Limits, conns *Limiter, logger *slog.Logger) *http.Server {
	l := limits.withDefaults()
	srv := &http.Server{
		Handler:           Secure(h),
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
	if conns != nil {
		srv.ConnState = conns.ConnState
	}
	if logger != nil {
		srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	} else {
		srv.ErrorLog = log.New(discard{}, "", 0)
	}
	return srv
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
