package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/internal/testapp"
	"wuye/lib/clock"
)

// residentOfBuilding is the email of a demo resident who lives in building
// code of 翠湖花园 only (no unit elsewhere).
func residentOfBuilding(t testing.TB, app core.App, code string) string {
	t.Helper()
	var email string
	err := app.DB().NewQuery(`SELECT r.email FROM residents r JOIN unit_residents l ON l.resident = r.id AND l.active = TRUE
		JOIN units u ON u.id = l.unit WHERE u.building = {:b}
		AND NOT EXISTS (SELECT 1 FROM unit_residents l2 JOIN units u2 ON u2.id = l2.unit WHERE l2.resident = r.id AND l2.active = TRUE AND u2.building != {:b})
		ORDER BY r.email LIMIT 1`).Bind(dbx.Params{"b": testapp.ID(t, "building:CH-"+code)}).Row(&email)
	if err != nil {
		t.Fatalf("a resident of building %s: %v", code, err)
	}
	return email
}

func postNotice(t *testing.T, h http.Handler, body string) string {
	t.Helper()
	code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/notices/records", body, "frontdesk@example.com")
	if code != 200 {
		t.Fatalf("the desk posts %s: %d %s", body, code, resp)
	}
	var n struct{ ID string }
	_ = json.Unmarshal([]byte(resp), &n)
	return n.ID
}

func sees(t *testing.T, h http.Handler, who, id string) bool {
	t.Helper()
	code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/notices/records/"+id, "", who)
	code2, body := testapp.Do(t, h, http.MethodGet, "/api/collections/notices/records?perPage=200", "", who)
	listed := code2 == 200 && strings.Contains(body, id)
	if (code == 200) != listed {
		t.Errorf("%s: view %d but listed %v", who, code, listed)
	}
	return code == 200
}

// [000] 管理员 3.9; [004] 二 8: a notice reaches exactly its audience — a
// water stop in building 2 reaches building 2's residents and no one else,
// a unit's notice that unit's household; before it starts and after it
// ends nobody reads it, staff always do.
func TestNoticeAudience(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	community := testapp.ID(t, "community:CH")
	b2 := testapp.ID(t, "building:CH-2")
	inB2 := residentOfBuilding(t, app, "2")

	water := postNotice(t, h, `{"community":"`+community+`","category":"maintenance","title":"2 栋停水","body":"2 栋停水","audience":"buildings","buildings":["`+b2+`"]}`)
	for who, want := range map[string]bool{inB2: true, "owner1@example.com": false, "tenant1@example.com": false, "owner.yx@example.com": false,
		"frontdesk@example.com": true, "tech1@example.com": true, "": false} {
		if got := sees(t, h, who, water); got != want {
			t.Errorf("%q reads the building-2 water stop: %v, want %v", who, got, want)
		}
	}

	unit := postNotice(t, h, `{"community":"`+community+`","category":"general","title":"1-101 水表更换","body":"x","audience":"units","units":["`+testapp.ID(t, "unit:1-101")+`"]}`)
	for who, want := range map[string]bool{"owner1@example.com": true, "tenant1@example.com": true, "owner2@example.com": false, inB2: false, "former1@example.com": false} {
		if got := sees(t, h, who, unit); got != want {
			t.Errorf("%q reads 1-101's notice: %v, want %v", who, got, want)
		}
	}

	future := time.Now().Add(48 * time.Hour).UTC().Format(types.DefaultDateLayout)
	later := postNotice(t, h, `{"community":"`+community+`","category":"general","title":"下周通知","body":"x","starts_at":"`+future+`"}`)
	past := time.Now().Add(-time.Hour).UTC().Format(types.DefaultDateLayout)
	ended := postNotice(t, h, `{"community":"`+community+`","category":"general","title":"已过期","body":"x","starts_at":"`+time.Now().Add(-48*time.Hour).UTC().Format(types.DefaultDateLayout)+`","ends_at":"`+past+`"}`)
	for _, id := range []string{later, ended} {
		for _, who := range []string{"owner1@example.com", inB2} {
			if sees(t, h, who, id) {
				t.Errorf("%s reads notice %s outside its time", who, id)
			}
		}
		if !sees(t, h, "frontdesk@example.com", id) {
			t.Errorf("the desk cannot read its scheduled or ended notice %s", id)
		}
	}
	// The notices posted before audiences existed stay the whole community's.
	if n := countIn(t, app, "notices", dbx.HashExp{"audience": ""}); n > 0 {
		t.Errorf("%d notices without an audience", n)
	}

	// Places of another community, or none, are refused.
	for _, body := range []string{
		`{"community":"` + community + `","category":"general","title":"x","body":"x","audience":"buildings","buildings":[]}`,
		`{"community":"` + community + `","category":"general","title":"x","body":"x","audience":"buildings","buildings":["` + testapp.ID(t, "building:YX-A") + `"]}`,
		`{"community":"` + community + `","category":"general","title":"x","body":"x","audience":"units"}`,
		`{"community":"` + community + `","category":"general","title":"x","body":"x","ends_at":"2020-01-01 00:00:00.000Z"}`,
	} {
		if code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/notices/records", body, "frontdesk@example.com"); code != 400 {
			t.Errorf("posting %s: %d %s", body, code, resp)
		}
	}
	_ = clock.Now
}

// [000] 管理员 3.9: the office follows a notice up — a resident's opening
// is recorded once however often they open it, and the desk's "not yet
// read" list holds the households of the audience where nobody opened it.
func TestNoticeReadsAndUnread(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	community := testapp.ID(t, "community:CH")
	b1 := testapp.ID(t, "building:CH-1")
	id := postNotice(t, h, `{"community":"`+community+`","category":"maintenance","title":"1 栋停电","body":"x","audience":"buildings","buildings":["`+b1+`"]}`)

	unread := func() (int, int, []string) {
		t.Helper()
		code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/notices/"+id+"/unread", "", "frontdesk@example.com")
		if code != 200 {
			t.Fatalf("unread list: %d %s", code, body)
		}
		var out struct {
			Households, Read int
			Unread           []struct{ Unit, Number, Contacts string }
		}
		_ = json.Unmarshal([]byte(body), &out)
		var units []string
		for _, u := range out.Unread {
			units = append(units, u.Number)
			if u.Contacts == "" {
				t.Errorf("unread %s without contacts", u.Number)
			}
		}
		return out.Households, out.Read, units
	}
	households, read, list := unread()
	var lived int
	_ = app.DB().NewQuery(`SELECT COUNT(*) FROM units u WHERE u.building = {:b} AND EXISTS (SELECT 1 FROM unit_residents l WHERE l.unit = u.id AND l.active = TRUE)`).
		Bind(dbx.Params{"b": b1}).Row(&lived)
	if households != lived || read != 0 || len(list) != lived || lived == 0 {
		t.Fatalf("before anyone reads: %d households, %d read, %d unread; want %d", households, read, len(list), lived)
	}

	for i := 0; i < 3; i++ {
		if code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/notices/"+id+"/read", "", "tenant1@example.com"); code != 200 {
			t.Fatalf("tenant1 opens the notice: %d %s", code, body)
		}
	}
	if n := countIn(t, app, "notice_reads", dbx.HashExp{"notice": id}); n != 1 {
		t.Errorf("three openings left %d receipts, want 1", n)
	}
	_, read, list = unread()
	if read != 1 || len(list) != lived-1 || strings.Contains(strings.Join(list, ","), "101,") && list[0] == "101" {
		t.Errorf("after 1-101's tenant read: %d read, unread %v", read, list)
	}
	for _, u := range list {
		if u == "101" {
			t.Errorf("1-101 is still unread after its tenant read it")
		}
	}
	// Someone outside the audience cannot mark it read, nor staff.
	for _, who := range []string{residentOfBuilding(t, app, "2"), "owner.yx@example.com", "frontdesk@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodPost, "/api/wuye/notices/"+id+"/read", "", who); code < 400 {
			t.Errorf("%s marks a notice read: %d", who, code)
		}
	}
	if n := countIn(t, app, "notice_reads", dbx.HashExp{"notice": id}); n != 1 {
		t.Errorf("refused readings left %d receipts", n)
	}
	// The list is the follow-up staff's: not a technician's, not a resident's.
	for _, who := range []string{"tech1@example.com", "owner1@example.com", "frontdesk.yx@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/notices/"+id+"/unread", "", who); code < 400 {
			t.Errorf("%s reads the unread list: %d", who, code)
		}
	}
	code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/notices/reads?community="+community, "", "supervisor@example.com")
	if code != 200 || !strings.Contains(body, `"notice":"`+id+`","households":`) || !strings.Contains(body, `"read":1`) {
		t.Errorf("read counts: %d %s", code, body)
	}
	// Residents read their own receipts only.
	code, body = testapp.Do(t, h, http.MethodGet, "/api/collections/notice_reads/records", "", "owner1@example.com")
	if code != 200 || !strings.Contains(body, `"totalItems":0`) {
		t.Errorf("owner1 lists receipts: %d %s", code, body)
	}
}
