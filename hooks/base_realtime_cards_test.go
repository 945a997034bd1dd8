package hooks_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// cardMsg is a message on a topic with the card a new request's may carry.
type cardMsg struct {
	Collection string         `json:"collection"`
	ID         string         `json:"id"`
	Action     string         `json:"action"`
	Card       map[string]any `json:"card"`
}

func cardsOf(c subscriptions.Client, quiet time.Duration) map[string]cardMsg {
	out := map[string]cardMsg{}
	for {
		select {
		case msg := <-c.Channel():
			var m cardMsg
			json.Unmarshal(msg.Data, &m)
			if m.Action == "create" {
				out[m.ID] = m
			}
		case <-time.After(quiet):
			return out
		}
	}
}

// TestNewRequestCardIsWhatTheResidentReads: a new complaint, work order or
// renovation's message to each resident it concerns carries its card, and
// the card is, field for field, what that resident reads of the record
// through the records API — for the one who filed it and for a household
// member who reads it without the filer alike; an anonymous complaint's
// reaches its complainant alone; the staff's messages carry no card.
func TestNewRequestCardIsWhatTheResidentReads(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner1, tenant1, owner2 := residentRec(t, app, "owner1@example.com"), residentRec(t, app, "tenant1@example.com"), residentRec(t, app, "owner2@example.com")
	desk := staffRec(t, app, "frontdesk@example.com")
	ch := testapp.ID(t, "community:CH")
	unit103 := ownerOf103(t, app)
	residents := map[string]subscriptions.Client{
		"owner1@example.com":  listen(app, owner1, "resident/"+owner1.Id),
		"tenant1@example.com": listen(app, tenant1, "resident/"+tenant1.Id),
		"owner2@example.com":  listen(app, owner2, "resident/"+owner2.Id),
	}
	deskC := listen(app, desk, "community/"+ch+"/complaints", "community/"+ch+"/work_orders")

	var item string
	if err := app.DB().NewQuery("SELECT id FROM service_items WHERE active = TRUE AND community = {:c} LIMIT 1").
		Bind(dbx.Params{"c": ch}).Row(&item); err != nil {
		t.Fatal(err)
	}
	unit101 := testapp.ID(t, "unit:1-101")
	post := func(who, col, body string) string {
		t.Helper()
		code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/"+col+"/records", body, who)
		if code != http.StatusOK {
			t.Fatalf("%s files %s: %d %s", who, col, code, resp)
		}
		var r struct{ ID string }
		json.Unmarshal([]byte(resp), &r)
		return r.ID
	}
	// (Of two categories: two alike would form a hot group, a later change.)
	complaint := func(category string) string {
		return `{"unit":"` + unit101 + `","category":"` + category + `","content":"楼道的事","contact_name":"张伟","contact_phone":"13700000001"`
	}
	filed := map[string][]string{ // record id → who should get its card
		post("tenant1@example.com", "complaints", complaint("cleaning")+`}`):                                                                       {"owner1@example.com", "tenant1@example.com"},
		post("owner1@example.com", "complaints", complaint("security")+`,"anonymous":true}`):                                                       {"owner1@example.com"},
		post("tenant1@example.com", "work_orders", `{"unit":"`+unit101+`","category":"plumbing","service_item":"`+item+`","description":"厨房下水慢"}`): {"owner1@example.com", "tenant1@example.com"},
		post("owner2@example.com", "renovations", applicationBody(unit103)):                                                                        {"owner2@example.com"},
	}

	got := map[string]map[string]cardMsg{}
	for who, c := range residents {
		got[who] = cardsOf(c, 300*time.Millisecond)
	}
	for id, told := range filed {
		for who := range residents {
			m, ok := got[who][id]
			if !slices.Contains(told, who) {
				if ok {
					t.Errorf("%s was told of %s: %+v", who, id, m)
				}
				continue
			}
			if !ok || m.Card == nil {
				t.Errorf("%s: no card of %s %s: %+v", who, m.Collection, id, m)
				continue
			}
			keys := slices.Sorted(maps.Keys(m.Card))
			want := slices.Sorted(slices.Values(hooks.HomeCardFields[m.Collection]))
			if !slices.Equal(keys, want) {
				t.Errorf("%s's card of %s has %v, want %v", who, m.Collection, keys, want)
			}
			code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/"+m.Collection+"/records/"+id, "", who)
			if code != http.StatusOK {
				t.Fatalf("%s reads %s: %d %s", who, id, code, body)
			}
			var read map[string]any
			json.Unmarshal([]byte(body), &read)
			for _, f := range want {
				if v, ok := read[f]; !ok || v != m.Card[f] {
					t.Errorf("%s's card of %s: %s is %v, the record API answers %v (present: %v)", who, m.Collection, f, m.Card[f], v, ok)
				}
			}
			if m.Card["serial"] == "" || m.Card["status"] == "" {
				t.Errorf("%s's card of %s without serial or status: %v", who, m.Collection, m.Card)
			}
		}
	}
	for id, m := range cardsOf(deskC, 100*time.Millisecond) {
		if m.Card != nil {
			t.Errorf("the desk's message of %s carried a card: %v", id, m.Card)
		}
	}
	if strings.Contains(strings.Join(hooks.HomeCardFields["complaints"], ","), "resident") {
		t.Error("a complaint's card names who filed it")
	}
}
