package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-feeds/tributary/internal/redact"
)

// Duration is a time.Duration written as a Go duration string ("30s", "1h30m").
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("not a duration (use Go durations such as \"30s\" or \"12h\"): %q", b)
	}
	d.Duration = v
	return nil
}

// MarshalText writes a Go duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Size is a byte count, written as an integer or with a unit: "512KiB", "8MiB", "1GiB", "10MB".
type Size int64

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
	{"B", 1},
}

// UnmarshalText parses a size with an optional unit.
func (s *Size) UnmarshalText(b []byte) error {
	str := strings.TrimSpace(string(b))
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(str, u.suffix) {
			str, mult = strings.TrimSpace(strings.TrimSuffix(str, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("not a size (use bytes or a unit such as \"8MiB\"): %q", b)
	}
	*s = Size(n * mult)
	return nil
}

// UnmarshalTOML accepts a bare integer as bytes.
func (s *Size) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case int64:
		*s = Size(x)
		return nil
	case string:
		return s.UnmarshalText([]byte(x))
	}
	return fmt.Errorf("must be a size, in bytes or with a unit such as \"8MiB\", not %s", describe(v))
}

func checkHTTPURL(raw string) error {
	shown := redact.LogURL(raw) // problems are printed and logged
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %q", shown)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: only http and https URLs are fetched", shown)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", shown)
	}
	return nil
}
