package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// newLogger is the daemon's logger: text (logfmt-like) or JSON lines, at
// least level.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	switch strings.ToLower(level) {
	case "debug":
		lv = slog.LevelDebug
	case "info", "":
		lv = slog.LevelInfo
	case "warn", "warning":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opt := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opt)), nil
	case "json":
		opt.ReplaceAttr = secondsAttr
		return slog.New(slog.NewJSONHandler(w, opt)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// secondsAttr writes a duration in JSON logs as seconds, a number, under a
// key that says so ("duration" becomes "duration_s": 0.046): slog's default
// is integer nanoseconds under the bare key, which no reader guesses.
func secondsAttr(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.Float64(a.Key+"_s", a.Value.Duration().Seconds())
	}
	return a
}

// logFlags adds --log-format and --log-level (least level logged, by
// default level) to fs; once fs is parsed, the returned function builds the
// logger writing to w.
func logFlags(fs *flag.FlagSet, level string, w io.Writer) func() (*slog.Logger, error) {
	format := fs.String("log-format", "text", "log `FORMAT`: text or json")
	lv := fs.String("log-level", level, "least `LEVEL` logged: debug, info, warn or error")
	return func() (*slog.Logger, error) { return newLogger(w, *format, *lv) }
}
