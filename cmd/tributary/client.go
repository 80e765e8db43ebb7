package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/tributary-feeds/tributary/config"
)

// adminClient asks a running daemon, on [server].listen, through its admin
// endpoints; it sends [server].admin_token when one is set.
type adminClient struct {
	base  string // http://host:port
	token string
	http  *http.Client
}

// daemonClient reads the configuration only for where the daemon listens and
// its token. A file with problems still serves, if it named those: the
// problems are printed as warnings.
func daemonClient(path string, stderr io.Writer) (*adminClient, bool) {
	cfg, err := config.Load(path)
	if cfg == nil {
		fmt.Fprintln(stderr, explain(err))
		return nil, false
	}
	if err != nil {
		fmt.Fprintf(stderr, "warning: the configuration has problems:\n%v\n", err)
	}
	return newAdminClient(cfg), true
}

// newAdminClient speaks to the daemon cfg describes.
func newAdminClient(cfg *config.Config) *adminClient {
	return &adminClient{base: "http://" + dialAddr(cfg.Server.Listen), token: cfg.Server.AdminToken, http: &http.Client{}}
}

// dialAddr turns a listen address into one to connect to: an unspecified
// host (":8080", "0.0.0.0:8080", "[::]:8080") is reached on loopback.
func dialAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	ip := net.ParseIP(host)
	switch {
	case host == "":
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// do sends one request to the daemon. A daemon that does not answer is
// named as such.
func (c *adminClient) do(ctx context.Context, method, path string, body io.Reader, timeout time.Duration) (*http.Response, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		cancel()
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil, nil, fmt.Errorf("no daemon answers on %s: is `tributary run` running? (%w)", c.base, err)
		}
		return nil, nil, fmt.Errorf("%s %s%s: %w", method, c.base, path, err)
	}
	return resp, cancel, nil
}

// call sends one request to the daemon and returns the body of its 200
// answer; any other answer is an error with the daemon's words.
func (c *adminClient) call(ctx context.Context, method, path string, body io.Reader, timeout time.Duration) ([]byte, error) {
	resp, cancel, err := c.do(ctx, method, path, body, timeout)
	if err != nil {
		return nil, err
	}
	defer cancel()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, failure(resp)
	}
	return io.ReadAll(resp.Body)
}

// failure describes a non-2xx answer with the body the daemon gave.
func failure(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return fmt.Errorf("%s %s: %s: %s", resp.Request.Method, resp.Request.URL, resp.Status, strings.TrimSpace(string(body)))
}
