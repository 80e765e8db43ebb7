package admin

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tributary-feeds/tributary/internal/testenv"
	"github.com/tributary-feeds/tributary/store/postgres"
)

// A store backed up with its database's tools answers 501, saying which,
// and leaves no file behind.
func TestBackupOfPostgresSaysPgDump(t *testing.T) {
	cfg, _ := fixture(t, "")
	st, err := postgres.Open(context.Background(), testenv.Postgres(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(New(cfg, st, nil, nil).Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/admin/backup")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotImplemented || !strings.Contains(string(body), "pg_dump") {
		t.Fatalf("backup of a PostgreSQL store: %s %s", resp.Status, body)
	}
}
