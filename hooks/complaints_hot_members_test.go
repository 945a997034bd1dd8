package hooks_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// The complaints a hot group takes in as it forms are written with an
// UPDATE of the columns that change — group, reason, level, deadlines,
// updated — not PocketBase's UPDATE of all 42, which rewrites every one of
// the table's 15 index entries; nor are they validated again (the unit
// read for each) or read a second time by the attachments field (issue
// #23, item 2); nor is the group counted after it (it is the new complaint
// and the members just saved). Each still gets the deadlines of its new
// level and is announced as any saved record is: PocketBase's record event
// on the collection's topic and Wuye's community topic; the managers'
// notice still says how many complaints the group has.
func TestHotMembersWriteOnlyWhatChanged(t *testing.T) {
	app := testapp.New(t)
	atClock(t, time.Date(2026, 3, 2, 9, 0, 0, 0, workcal.Shanghai)) // a working morning with no complaints of the day before
	desk := staffRec(t, app, "frontdesk@example.com")
	supervisor := staffRec(t, app, "supervisor@example.com")
	community := listenTo(app, supervisor, "community/"+testapp.ID(t, "community:CH")+"/complaints")
	testapp.Handler(t, app)                         // PocketBase binds its record broadcasts as it serves
	collection := listen(app, desk, "complaints/*") // as the staff pages subscribe
	before := time.Now().Add(-time.Second)

	formed, lead := formHotGroup(t, app, desk)
	members, err := app.FindAllRecords("complaints", dbx.HashExp{"hot_group": lead})
	if err != nil || len(members) != 3 {
		t.Fatalf("the group has %d complaints (%v), want 3", len(members), err)
	}
	var updates []string
	for _, s := range formed {
		if strings.HasPrefix(s, "UPDATE `complaints`") {
			updates = append(updates, s)
		}
	}
	if len(updates) != 2 {
		t.Fatalf("%d complaint UPDATEs, want one for each of the 2 earlier members:\n%s", len(updates), strings.Join(formed, "\n"))
	}
	for _, u := range updates {
		set, _, _ := strings.Cut(u, " WHERE ")
		for _, col := range []string{"`hot_group`", "`hot_reason`", "`level`", "`solution_due`", "`updated`"} {
			if !strings.Contains(set, col) {
				t.Errorf("a member's UPDATE does not set %s: %s", col, u)
			}
		}
		for _, col := range []string{"`content`", "`contact_phone`", "`unit`", "`status`", "`received_at`"} {
			if strings.Contains(set, col) {
				t.Errorf("a member's UPDATE sets %s, which did not change: %s", col, u)
			}
		}
	}
	if n := countMatching(formed, "SELECT COUNT(*) FROM `complaints`"); n != 0 {
		t.Errorf("the group counted %d times; its members were just saved", n)
	}
	if n, err := app.FindFirstRecordByFilter("notifications", "kind = 'complaint_hot' && subject_id = {:s}", dbx.Params{"s": lead}); err != nil {
		t.Errorf("the managers not told: %v", err)
	} else if !strings.Contains(n.GetString("title"), "3 起") {
		t.Errorf("the managers' notice %q does not say the group has 3 complaints", n.GetString("title"))
	}
	if n := countMatching(formed, "FROM units u"); n != 1 {
		t.Errorf("the units read %d times, want once (the new complaint's place), not again for each member", n)
	}
	var seen []string
	for _, m := range members {
		if m.GetString("level") != "hot" || m.GetString("hot_reason") == "" {
			t.Errorf("member %s: level %q, reason %q; want hot, with its reason", m.Id, m.GetString("level"), m.GetString("hot_reason"))
		}
		// A general complaint has no solution deadline; a hot one is a
		// complex matter with one ([002] 三 3.2).
		if m.GetDateTime("solution_due").IsZero() {
			t.Errorf("member %s has no solution deadline after turning hot", m.Id)
		}
		if !m.GetDateTime("updated").Time().After(before) {
			t.Errorf("member %s: updated %s not moved", m.Id, m.GetString("updated"))
		}
		if n := countMatching(formed, "SELECT `complaints`.* FROM `complaints` WHERE `complaints`.`id`='"+m.Id+"'"); n > 1 && countMatching(updates, m.Id) > 0 {
			t.Errorf("member %s read %d times in the intake, want once", m.Id, n)
		}
		if !community.wait("complaints", m.Id, "") {
			t.Errorf("member %s: no message on the community's topic: %+v", m.Id, community.got)
		}
		seen = append(seen, m.Id)
	}
	// PocketBase's record events on the collection topic: an update for
	// each earlier member.
	updated := map[string]bool{}
	deadline := time.After(5 * time.Second)
	for len(updated) < 2 {
		select {
		case msg := <-collection.Channel():
			var m struct {
				Action string `json:"action"`
				Record struct {
					ID string `json:"id"`
				} `json:"record"`
			}
			if json.Unmarshal(msg.Data, &m) == nil && m.Action == "update" {
				updated[m.Record.ID] = true
			}
		case <-deadline:
			t.Fatalf("PocketBase's update events reached %v of the members %v", updated, seen)
		}
	}
}
