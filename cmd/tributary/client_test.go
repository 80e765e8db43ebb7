package main

import (
	"io"
	"testing"
)

func TestDialAddr(t *testing.T) {
	for listen, want := range map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8080",
		":8080":          "127.0.0.1:8080",
		"0.0.0.0:8080":   "127.0.0.1:8080",
		"[::]:8080":      "[::1]:8080",
		"[::1]:9000":     "[::1]:9000",
		"feeds.lan:80":   "feeds.lan:80",
	} {
		if got := dialAddr(listen); got != want {
			t.Errorf("dialAddr(%q) = %q, want %q", listen, got, want)
		}
	}
}

func TestNewLogger(t *testing.T) {
	for _, c := range []struct {
		format, level string
		ok            bool
	}{
		{"text", "info", true}, {"json", "debug", true}, {"", "", true}, {"JSON", "WARN", true}, {"text", "error", true},
		{"xml", "info", false}, {"text", "loud", false},
	} {
		_, err := newLogger(io.Discard, c.format, c.level)
		if (err == nil) != c.ok {
			t.Errorf("newLogger(%q, %q): %v", c.format, c.level, err)
		}
	}
}
