package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/internal/testapp"
	"wuye/lib/clock"
)

const yxNotice = "银杏苑门禁系统升级" // the demo's notice on the other community's board

func TestNoticeBoardReaders(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := countIn(t, app, "notices", dbx.HashExp{"community": testapp.ID(t, "community:CH")})
	// Building 1's residents read the community-wide notices, not the
	// building-2 water stop (notices_audience_test.go).
	ch1 := countIn(t, app, "notices", dbx.HashExp{"community": testapp.ID(t, "community:CH"), "audience": "community"})
	if ch == 0 || ch1 == ch {
		t.Fatal("the demo has no notices for 翠湖花园, or none aimed at one building")
	}
	for _, c := range []struct {
		who       string
		total     int
		sees, not string
	}{
		{"owner1@example.com", ch1, "第四季度物业费缴费通知", yxNotice},
		{"tenant1@example.com", ch1, "冬季消防安全提示", yxNotice},
		{"owner.yx@example.com", 1, yxNotice, "第四季度物业费缴费通知"},
		{"former1@example.com", 0, "", "第四季度物业费缴费通知"}, // no current unit, no board
		{"", 0, "", "第四季度物业费缴费通知"},                    // guests
		{"tech1@example.com", ch, "第四季度物业费缴费通知", yxNotice},
		{"frontdesk.yx@example.com", 1, yxNotice, "第四季度物业费缴费通知"},
	} {
		code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/notices/records?perPage=100&sort=-published_at", "", c.who)
		var page struct {
			TotalItems int `json:"totalItems"`
		}
		_ = json.Unmarshal([]byte(body), &page)
		if code != 200 || page.TotalItems != c.total || (c.sees != "" && !strings.Contains(body, c.sees)) || strings.Contains(body, c.not) {
			t.Errorf("%q reads the board: %d, %d notices (want %d), %s", c.who, code, page.TotalItems, c.total, body)
		}
	}
	yx, err := app.FindFirstRecordByData("notices", "title", yxNotice)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/notices/records/"+yx.Id, "", "owner1@example.com"); code != 404 {
		t.Errorf("owner1 opens the other community's notice: %d", code)
	}
}

func TestNoticeBoardWriters(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	community := testapp.ID(t, "community:CH")
	desk := testapp.ID(t, "staff:frontdesk@example.com")
	supervisor := testapp.ID(t, "staff:supervisor@example.com")
	before := countIn(t, app, "notices")
	post := func(extra string) string {
		return `{"community":"` + community + `","category":"maintenance","title":"3 栋电梯年检","body":"12 月 2 日 3 栋电梯年检，停运半天。"` + extra + `}`
	}

	for _, who := range []string{"owner1@example.com", "tech1@example.com", "areamgr@example.com", "frontdesk.yx@example.com", ""} {
		if code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/notices/records", post(""), who); code < 400 {
			t.Errorf("%q posts on 翠湖花园's board: %d %s", who, code, body)
		}
	}
	if n := countIn(t, app, "notices"); n != before {
		t.Fatalf("refused posts left %d notices, want %d", n, before)
	}

	// The desk posts; who and when are the server's, whatever was sent.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/notices/records",
		post(`,"author":"`+supervisor+`","published_at":"2020-01-01 00:00:00.000Z"`), "frontdesk@example.com")
	if code != 200 {
		t.Fatalf("the desk posts: %d %s", code, body)
	}
	var posted struct{ ID string }
	_ = json.Unmarshal([]byte(body), &posted)
	n, err := app.FindRecordById("notices", posted.ID)
	if err != nil {
		t.Fatal(err)
	}
	published := n.GetDateTime("published_at").Time()
	if n.GetString("author") != desk || clock.Now().Sub(published) > time.Minute || clock.Now().Sub(published) < -time.Minute {
		t.Fatalf("posted by %s at %v, want the desk now", n.GetString("author"), published)
	}
	events := func() []string {
		t.Helper()
		evs, err := app.FindAllRecords("events", dbx.HashExp{"subject_collection": "notices", "subject_id": posted.ID})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range evs {
			// "announced" is Wuye's own step: the fan-out done (hooks/base_fanout.go).
			if e.GetString("action") != "announced" && e.GetString("actor_staff") != desk {
				t.Errorf("event %s by %q", e.GetString("action"), e.GetString("actor_staff"))
			}
			out = append(out, e.GetString("action"))
		}
		return out
	}
	// Posted, then announced to the community by the fan-out.
	if got := events(); len(got) != 2 || got[0] != "create" || got[1] != "announced" {
		t.Fatalf("events after posting: %v", got)
	}

	// Edits keep the author, the date and the community.
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/notices/records/"+posted.ID,
		`{"title":"3 栋电梯年检（改期）","pinned":true,"author":"`+supervisor+`","published_at":"2020-01-01 00:00:00.000Z","community":"`+testapp.ID(t, "community:YX")+`"}`,
		"frontdesk@example.com")
	if code != 200 {
		t.Fatalf("the desk edits: %d %s", code, body)
	}
	edited, _ := app.FindRecordById("notices", posted.ID)
	if edited.GetString("title") != "3 栋电梯年检（改期）" || !edited.GetBool("pinned") || edited.GetString("author") != desk ||
		!edited.GetDateTime("published_at").Equal(n.GetDateTime("published_at")) || edited.GetString("community") != community {
		t.Errorf("after the edit: %v", edited.FieldsData())
	}
	if got := events(); len(got) != 3 || got[2] != "update" {
		t.Errorf("events after editing: %v", got)
	}
	if code, _ := testapp.Do(t, h, http.MethodPatch, "/api/collections/notices/records/"+posted.ID, `{"title":"x"}`, "owner1@example.com"); code != 404 {
		t.Errorf("a resident edits a notice: %d", code)
	}

	// A superuser (the dashboard) posts as nobody, not as whoever it names.
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/notices/records", post(`,"author":"`+supervisor+`"`), "root@example.com")
	if code != 200 || !strings.Contains(body, `"author":""`) {
		t.Errorf("a superuser posts: %d %s", code, body)
	}

	// Nobody deletes a notice through the API but a superuser.
	for _, who := range []string{"frontdesk@example.com", "supervisor@example.com", "director@example.com", "owner1@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodDelete, "/api/collections/notices/records/"+posted.ID, "", who); code != 403 && code != 404 {
			t.Errorf("%s deletes a notice: %d", who, code)
		}
	}
	if _, err := app.FindRecordById("notices", posted.ID); err != nil {
		t.Fatalf("the notice is gone: %v", err)
	}
}

// countIn counts collection's records in app (count counts the template's).
func countIn(t testing.TB, app core.App, collection string, where ...dbx.Expression) int {
	t.Helper()
	n, err := app.CountRecords(collection, where...)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
