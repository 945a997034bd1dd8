package hooks_test

import (
	"net/http"
	"testing"

	"wuye/internal/testapp"
	"wuye/lib/money"
)

func TestCapitalsRoute(t *testing.T) {
	h := testapp.Handler(t, testapp.New(t))
	code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/capitals?fen=12345&fen=-500&fen=0", "", "cashier@example.com")
	expectBody(t, "three amounts", code, body, 200,
		`"12345":"`+money.Capital(12345)+`"`, `"-500":"`+money.Capital(-500)+`"`, `"0":"`+money.Capital(0)+`"`)
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/capitals?fen=1.5", "", "cashier@example.com")
	expectBody(t, "not a whole number of fen", code, body, 400, "fen")
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/capitals?fen=1", "", "")
	if code != 401 {
		t.Fatalf("anonymous: %d", code)
	}
}
