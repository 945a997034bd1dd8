package hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
)

// BenchmarkBoardRoute compares the dispatch board's re-read of 100 changed
// orders, as the desk's page sends it, through the records list (what the
// page did: filter by id and the board's filter, expand=unit) and through
// GET /api/wuye/work-orders/board (hooks/dispatch_board.go), both through
// the app's router:
//
//	go test -run '^$' -bench BoardRoute -benchmem ./hooks
func BenchmarkBoardRoute(b *testing.B) {
	app := testapp.New(b)
	ch := testapp.ID(b, "community:CH")
	ids := boardBenchOrders(b, app.DB(), ch, 100)
	h := testapp.Handler(b, app)
	var f []string
	for _, id := range ids {
		f = append(f, fmt.Sprintf("id = %q", id))
	}
	where := "(" + strings.Join(f, " || ") + ") && (" + boardWhere(ch) + ")"
	targets := map[string]string{
		"records-list": "/api/collections/work_orders/records?" + url.Values{"filter": {where}, "expand": {"unit"},
			"page": {"1"}, "perPage": {"100"}, "skipTotal": {"1"}}.Encode(),
		"floor": "/api/wuye/push/key",
		"route": "/api/wuye/work-orders/board?" + url.Values{"community": {ch}, "ids": {strings.Join(ids, ",")}}.Encode(),
	}
	token := testapp.Token(b, "frontdesk@example.com")
	n := 0
	get := func(target string) *httptest.ResponseRecorder {
		n++
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", n>>16&255, n>>8&255, n&255)
		req.Header.Set("Authorization", token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, name := range []string{"records-list", "route", "floor"} {
		rec := get(targets[name])
		if name == "floor" {
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					get(targets[name])
				}
			})
			continue
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); rec.Code != http.StatusOK || err != nil || len(page.Items) != len(ids) {
			b.Fatalf("%s: %d, %d items (want %d): %.300s", name, rec.Code, len(page.Items), len(ids), rec.Body.String())
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			bytes := 0
			for b.Loop() {
				bytes = get(targets[name]).Body.Len()
			}
			b.ReportMetric(float64(bytes), "B/answer")
		})
	}
}

// boardBenchOrders puts n open orders on community's board (copies of an
// open order, each with its own id and serial, on the community's units in
// turn) and returns their ids.
func boardBenchOrders(b *testing.B, db dbx.Builder, community string, n int) []string {
	var cols []string
	if err := db.NewQuery("SELECT name FROM pragma_table_info('work_orders')").Column(&cols); err != nil {
		b.Fatal(err)
	}
	var src string
	if err := db.NewQuery(`SELECT id FROM work_orders WHERE community = {:c} AND status = 'dispatched' AND unit != '' LIMIT 1`).
		Bind(dbx.Params{"c": community}).Row(&src); err != nil {
		b.Fatal(err)
	}
	var units []string
	if err := db.NewQuery("SELECT id FROM units WHERE community = {:c} ORDER BY id").Bind(dbx.Params{"c": community}).Column(&units); err != nil || len(units) == 0 {
		b.Fatal(len(units), err)
	}
	var ids []string
	for i := range n {
		id := fmt.Sprintf("bench%010d", i)
		sel := make([]string, len(cols))
		for j, c := range cols {
			switch c {
			case "id":
				sel[j] = "{:id}"
			case "serial":
				sel[j] = "{:serial}"
			default:
				sel[j] = "[[" + c + "]]"
			}
		}
		if _, err := db.NewQuery("INSERT INTO work_orders (" + strings.Join(cols, ", ") + ") SELECT " + strings.Join(sel, ", ") +
			" FROM work_orders WHERE id = {:src}").Bind(dbx.Params{"id": id, "serial": fmt.Sprintf("PG-BENCH-%03d", i), "src": src}).Execute(); err != nil {
			b.Fatal(err)
		}
		if _, err := db.NewQuery("UPDATE work_orders SET unit = {:u}, building = (SELECT building FROM units WHERE id = {:u}) WHERE id = {:id}").
			Bind(dbx.Params{"u": units[i%len(units)], "id": id}).Execute(); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}
