package hooks

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPushClientRefusesInsideAddresses: whatever a push endpoint's host
// name resolves to, the server does not connect to an address inside the
// office's network — unless the tests' own loopback push service is on.
func TestPushClientRefusesInsideAddresses(t *testing.T) {
	srv := httptest.NewServer(nil)
	defer srv.Close()
	_, err := pushClient.Get(srv.URL) // 127.0.0.1, as a name resolving there would be
	if err == nil || !strings.Contains(err.Error(), "is not public") {
		t.Fatalf("loopback reached: %v", err)
	}
	t.Setenv("WUYE_PUSH_LOOPBACK", "1")
	res, err := pushClient.Get(srv.URL)
	if err != nil {
		t.Fatalf("the tests' loopback service: %v", err)
	}
	res.Body.Close()
}
