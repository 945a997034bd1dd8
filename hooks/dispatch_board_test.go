package hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// boardClient sends requests to the test app's router, each from its own
// client address (PocketBase pauses a client after a few empty filtered
// lists; see permissions_test.go, do).
type boardClient struct {
	t *testing.T
	h http.Handler
	n atomic.Int64
}

func (c *boardClient) get(email, target, lang string) (int, string) {
	n := c.n.Add(1)
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", n>>16&255, n>>8&255, n&255)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if email != "" {
		req.Header.Set("Authorization", testapp.Token(c.t, email))
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func (c *boardClient) items(email, target string) []map[string]any {
	c.t.Helper()
	code, body := c.get(email, target, "")
	if code != http.StatusOK {
		c.t.Fatalf("%s as %s: %d %s", target, email, code, body)
	}
	var out struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		c.t.Fatal(err)
	}
	return out.Items
}

// boardWhere is the board's filter in the page (dispatch.js onBoardFilter).
func boardWhere(community string) string {
	var st []string
	for _, s := range hooks.BoardStatuses {
		st = append(st, fmt.Sprintf("status = %q", s))
	}
	return fmt.Sprintf("community = %q && (%s)", community, strings.Join(st, " || "))
}

// recordsList is what the page read before: the records list, with the
// expansions the board shows.
func recordsList(where string) string {
	return "/api/collections/work_orders/records?" + url.Values{"filter": {where}, "expand": {"unit.building,building,service_item"},
		"perPage": {"1000"}, "skipTotal": {"1"}}.Encode()
}

// cardOf is what a card shows of a records-API item, in the route's shape:
// the card's fields the item has (a field hidden from the caller is absent)
// and the labels of its expansions.
func cardOf(it map[string]any) map[string]any {
	out := map[string]any{}
	for _, f := range hooks.BoardColumns() {
		if v, ok := it[f]; ok {
			out[f] = v
		}
	}
	ex, _ := it["expand"].(map[string]any)
	building := func(b any) any {
		m, ok := b.(map[string]any)
		if !ok {
			return nil
		}
		return map[string]any{"id": m["id"], "name": m["name"], "code": m["code"]}
	}
	expand := map[string]any{}
	if u, ok := ex["unit"].(map[string]any); ok {
		unit := map[string]any{"id": u["id"], "number": u["number"], "building": u["building"], "expand": map[string]any{}}
		if uex, _ := u["expand"].(map[string]any); uex["building"] != nil {
			unit["expand"] = map[string]any{"building": building(uex["building"])}
		}
		expand["unit"] = unit
	}
	if b := building(ex["building"]); b != nil {
		expand["building"] = b
	}
	if si, ok := ex["service_item"].(map[string]any); ok {
		expand["service_item"] = map[string]any{"id": si["id"], "name": si["name"]}
	}
	out["expand"] = expand
	return out
}

func byID(items []map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, it := range items {
		out[fmt.Sprint(it["id"])] = it
	}
	return out
}

// TestWorkOrderBoardMatchesTheRecordsAPI: for every caller of the
// permission matrix (each kind of resident, every staff role of both
// communities, a superuser) and both communities, the board route returns
// exactly the orders the records list returns for the board's filter — the
// whole board, and re-reads by id of every order of the app (open, closed,
// the other community's) — each with the same card fields and the same
// labels as the records API's expansions (an expansion the caller may not
// view, or a contact hidden from them, absent alike).
func TestWorkOrderBoardMatchesTheRecordsAPI(t *testing.T) {
	app := testapp.New(t)
	seedMatrix(t, app)
	ch, yx := testapp.ID(t, "community:CH"), testapp.ID(t, "community:YX")
	// An open household order with a withdrawn service item (residents may
	// not view it, staff may) and one placed by building and location.
	var inactive string
	if err := app.DB().NewQuery("SELECT id FROM service_items WHERE active = FALSE AND community = {:c} LIMIT 1").
		Bind(dbx.Params{"c": ch}).Row(&inactive); err != nil {
		t.Fatal(err)
	}
	tenantOrder := ""
	if err := app.DB().NewQuery("SELECT id FROM work_orders WHERE requester = {:r} AND status = 'new' LIMIT 1").
		Bind(dbx.Params{"r": testapp.ID(t, "residents:tenant1@example.com")}).Row(&tenantOrder); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("UPDATE work_orders SET service_item = {:si} WHERE id = {:id}").
		Bind(dbx.Params{"si": inactive, "id": tenantOrder}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery(`UPDATE work_orders SET unit = '', building = {:b}, location = '1栋楼道'
		WHERE id = (SELECT id FROM work_orders WHERE community = {:c} AND status = 'dispatched' AND requester = '' LIMIT 1)`).
		Bind(dbx.Params{"b": testapp.ID(t, "building:CH-1"), "c": ch}).Execute(); err != nil {
		t.Fatal(err)
	}
	var all []string
	if err := app.DB().Select("id").From("work_orders").OrderBy("id").Column(&all); err != nil {
		t.Fatal(err)
	}
	c := &boardClient{t: t, h: testapp.Handler(t, app)}

	seen := map[string]int{} // orders on some caller's board
	for _, mc := range matrixCallers {
		if mc.email == "" {
			if code, _ := c.get("", "/api/wuye/work-orders/board?community="+ch, ""); code != http.StatusUnauthorized {
				t.Errorf("anonymous: %d, want 401", code)
			}
			continue
		}
		for _, community := range []string{ch, yx} {
			where := boardWhere(community)
			want := c.items(mc.email, recordsList(where))
			got := c.items(mc.email, "/api/wuye/work-orders/board?community="+community)
			compareBoard(t, mc.name+" board", want, got)
			for _, it := range got {
				seen[fmt.Sprint(it["id"])]++
			}
			// Re-reads: every order of the app, 100 ids at a time.
			for i := 0; i < len(all); i += hooks.BoardMaxIDs {
				chunk := all[i:min(i+hooks.BoardMaxIDs, len(all))]
				var f []string
				for _, id := range chunk {
					f = append(f, fmt.Sprintf("id = %q", id))
				}
				want := c.items(mc.email, recordsList("("+strings.Join(f, " || ")+") && ("+where+")"))
				got := c.items(mc.email, "/api/wuye/work-orders/board?"+url.Values{"community": {community}, "ids": {strings.Join(chunk, ",")}}.Encode())
				compareBoard(t, fmt.Sprintf("%s re-read %d", mc.name, i), want, got)
			}
		}
	}
	// The comparison had something to compare: orders on the boards, and
	// the cases the labels and the contact differ in.
	if len(seen) < 10 {
		t.Errorf("only %d orders on any board", len(seen))
	}
	got := byID(c.items("tenant1@example.com", "/api/wuye/work-orders/board?community="+ch))
	if o := got[tenantOrder]; o == nil || o["contact_name"] == nil || o["expand"].(map[string]any)["service_item"] != nil {
		t.Errorf("tenant's own order with a withdrawn item: %v", o)
	}
	if o := byID(c.items("owner1@example.com", "/api/wuye/work-orders/board?community="+ch))[tenantOrder]; o == nil || o["contact_name"] != nil {
		t.Errorf("the household's order filed by the tenant, for the owner: %v (want it without the contact)", o)
	}
	if o := byID(c.items("frontdesk@example.com", "/api/wuye/work-orders/board?community="+ch))[tenantOrder]; o == nil ||
		o["expand"].(map[string]any)["service_item"] == nil {
		t.Errorf("the desk's card of the tenant's order: %v (want the withdrawn item's name)", o)
	}
}

func compareBoard(t *testing.T, where string, want, got []map[string]any) {
	t.Helper()
	w, g := byID(want), byID(got)
	var missing, extra []string
	for id := range w {
		if g[id] == nil {
			missing = append(missing, id)
		}
	}
	for id := range g {
		if w[id] == nil {
			extra = append(extra, id)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		sort.Strings(missing)
		sort.Strings(extra)
		t.Errorf("%s: the route misses %v and adds %v", where, missing, extra)
		return
	}
	for id, it := range w {
		card := cardOf(it)
		have := map[string]any{}
		b, _ := json.Marshal(g[id])
		_ = json.Unmarshal(b, &have)
		if !reflect.DeepEqual(card, have) {
			t.Errorf("%s: order %s\nrecords API %v\nroute       %v", where, id, card, have)
		}
	}
}

// TestWorkOrderBoardBadInput: the route's refusals, in Chinese first and
// in English when asked.
func TestWorkOrderBoardBadInput(t *testing.T) {
	app := testapp.New(t)
	c := &boardClient{t: t, h: testapp.Handler(t, app)}
	ch := testapp.ID(t, "community:CH")
	many := make([]string, hooks.BoardMaxIDs+1)
	for i := range many {
		many[i] = fmt.Sprintf("wo%013d", i)
	}
	cases := []struct {
		name, query string
		code        int
		zh, en      string
	}{
		{"no community", "", 400, "小区：不能为空", "Community: Cannot be blank."},
		{"bad community", "community=x%27--", 400, "小区：取值无效", "Community: Invalid value."},
		{"bad id", "community=" + ch + "&ids=abc,def", 400, "记录编号：取值无效", "Record ids: Invalid value."},
		{"empty ids", "community=" + ch + "&ids=,", 400, "记录编号：不能为空", "Record ids: Cannot be blank."},
		{"too many ids", "community=" + ch + "&ids=" + strings.Join(many, ","), 400, "记录编号：一次最多 100 个", "Record ids: At most 100 at a time."},
	}
	for _, tc := range cases {
		for _, lang := range []string{"zh-CN", "en"} {
			code, body := c.get("frontdesk@example.com", "/api/wuye/work-orders/board?"+tc.query, lang)
			want := tc.zh
			if lang == "en" {
				want = tc.en
			}
			if code != tc.code || !strings.Contains(body, `"message":"`+want+`"`) {
				t.Errorf("%s (%s): %d %s, want %d %q", tc.name, lang, code, body, tc.code, want)
			}
		}
	}
	if code, body := c.get("", "/api/wuye/work-orders/board?community="+ch, ""); code != http.StatusUnauthorized || !strings.Contains(body, "请先登录") {
		t.Errorf("anonymous: %d %s", code, body)
	}
	// A community the caller does not serve: nothing, as the records list.
	if items := c.items("frontdesk@example.com", "/api/wuye/work-orders/board?community="+testapp.ID(t, "community:YX")); len(items) != 0 {
		t.Errorf("the other community's board for the desk: %d orders", len(items))
	}
	// 100 ids are fine; duplicates count once.
	ok := append(many[:hooks.BoardMaxIDs-1:hooks.BoardMaxIDs-1], many[0])
	if code, body := c.get("frontdesk@example.com", "/api/wuye/work-orders/board?community="+ch+"&ids="+strings.Join(ok, ","), ""); code != 200 {
		t.Errorf("100 ids: %d %s", code, body)
	}
}
