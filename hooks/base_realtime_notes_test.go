package hooks_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// noteMsg is a message on a person's own topic with the note it may carry.
type noteMsg struct {
	Topic      string
	Collection string         `json:"collection"`
	ID         string         `json:"id"`
	Action     string         `json:"action"`
	Note       map[string]any `json:"note"`
	Step       any            `json:"step"`
}

// notesOf collects what client c was sent until quiet passes without one.
func notesOf(c subscriptions.Client, quiet time.Duration) []noteMsg {
	var out []noteMsg
	for {
		select {
		case msg := <-c.Channel():
			m := noteMsg{Topic: msg.Name}
			json.Unmarshal(msg.Data, &m)
			out = append(out, m)
		case <-time.After(quiet):
			return out
		}
	}
}

func aboutID(msgs []noteMsg, id string) []noteMsg {
	var out []noteMsg
	for _, m := range msgs {
		if m.ID == id {
			out = append(out, m)
		}
	}
	return out
}

// TestNewNotificationCarriesTheNoteToItsRecipientOnly: a new notification's
// message carries the notification (what the bell shows, its kind and
// subject) on its recipient's own topic — resident or staff — and no other
// client is sent it or anything about it, not one listening on the
// recipient's topic under another account (past the subscription guard);
// marking it read sends its id alone (the pages re-read).
func TestNewNotificationCarriesTheNoteToItsRecipientOnly(t *testing.T) {
	app := testapp.New(t)
	owner1, owner2 := residentRec(t, app, "owner1@example.com"), residentRec(t, app, "owner2@example.com")
	tech1, tech2 := staffRec(t, app, "tech1@example.com"), staffRec(t, app, "tech2@example.com")
	me := listen(app, owner2, "resident/"+owner2.Id)
	tech := listen(app, tech1, "employee/"+tech1.Id)
	others := map[string]subscriptions.Client{
		"owner1":                       listen(app, owner1, "resident/"+owner1.Id),
		"owner1 on owner2's topic":     listen(app, owner1, "resident/"+owner2.Id),
		"tech2 on owner2's topic":      listen(app, tech2, "resident/"+owner2.Id),
		"a direct client on the topic": listenDirect(app, owner1, "resident/"+owner2.Id),
		"tech2":                        listen(app, tech2, "employee/"+tech2.Id),
		"tech2 on tech1's topic":       listen(app, tech2, "employee/"+tech1.Id),
	}

	n := notify(t, app, "residents", "owner2@example.com", "您的报修已派工")
	s := notify(t, app, "staff", "tech1@example.com", "新工单待接")
	check := func(who string, c subscriptions.Client, r *core.Record, topic string) {
		t.Helper()
		got := aboutID(notesOf(c, 300*time.Millisecond), r.Id)
		if len(got) != 1 || got[0].Action != "create" || got[0].Topic != topic {
			t.Fatalf("%s: want one create on %s, got %+v", who, topic, got)
		}
		note := got[0].Note
		want := map[string]any{"id": r.Id, "title": r.GetString("title"), "kind": "test", "read": false,
			"created": r.GetDateTime("created").String(), "subject_collection": "", "subject_id": "", "body": ""}
		for k, v := range want {
			if note[k] != v {
				t.Errorf("%s: note's %s is %v, want %v (note %v)", who, k, note[k], v, note)
			}
		}
	}
	check("owner2", me, n, "resident/"+owner2.Id)
	check("tech1", tech, s, "employee/"+tech1.Id)
	for name, c := range others {
		for _, m := range notesOf(c, 60*time.Millisecond) {
			if m.ID == n.Id || m.ID == s.Id || m.Note != nil {
				t.Errorf("%s was sent %+v", name, m)
			}
		}
	}

	n.Set("read", true)
	if err := app.Save(n); err != nil {
		t.Fatal(err)
	}
	got := aboutID(notesOf(me, 300*time.Millisecond), n.Id)
	if len(got) != 1 || got[0].Action != "update" || got[0].Note != nil {
		t.Errorf("marked read: want an update without a note, got %+v", got)
	}
}

// TestStepCarriesTheStatusToTheResidentsOnly: the desk's assigning a
// complaint is a step — its message to the residents who read the complaint
// (the complainant and their household) carries the new status and time,
// the one to the community's staff does not; a change to what the home
// lists of it (the content) is no step; an anonymous complaint's step
// reaches its complainant alone.
func TestStepCarriesTheStatusToTheResidentsOnly(t *testing.T) {
	app := testapp.New(t)
	owner1, tenant1, owner2 := residentRec(t, app, "owner1@example.com"), residentRec(t, app, "tenant1@example.com"), residentRec(t, app, "owner2@example.com")
	desk, tech1 := staffRec(t, app, "frontdesk@example.com"), staffRec(t, app, "tech1@example.com")
	topic := "community/" + testapp.ID(t, "community:CH") + "/complaints"
	me, tenant := listen(app, owner1, "resident/"+owner1.Id), listen(app, tenant1, "resident/"+tenant1.Id)
	deskC, neighbour := listen(app, desk, topic), listen(app, owner2, "resident/"+owner2.Id)

	c := fileComplaint(t, app, owner1, "1-101", "cleaning", nil)
	anon := fileComplaint(t, app, owner1, "1-101", "security", map[string]any{"anonymous": true})
	for _, cl := range []subscriptions.Client{me, tenant, deskC, neighbour} {
		notesOf(cl, 200*time.Millisecond) // the creates
	}
	for _, id := range []string{c.Id, anon.Id} {
		if _, err := hooks.AdvanceComplaint(app, id, desk, "assigned", map[string]any{"handler": tech1.Id}); err != nil {
			t.Fatal(err)
		}
	}
	saved, err := app.FindRecordById("complaints", c.Id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[subscriptions.Client][]noteMsg{}
	for _, cl := range []subscriptions.Client{me, tenant, deskC, neighbour} {
		got[cl] = notesOf(cl, 300*time.Millisecond)
	}
	stepOf := func(who string, msgs []noteMsg, id string) map[string]any {
		t.Helper()
		for _, m := range aboutID(msgs, id) {
			if m.Action == "update" {
				step, _ := m.Step.(map[string]any)
				return step
			}
		}
		t.Fatalf("%s was not told of the update of %s: %+v", who, id, msgs)
		return nil
	}
	want := map[string]any{"status": "assigned", "updated": saved.GetDateTime("updated").String()}
	for who, cl := range map[string]subscriptions.Client{"owner1": me, "tenant1": tenant} {
		if step := stepOf(who, got[cl], c.Id); !reflect.DeepEqual(step, want) {
			t.Errorf("%s: step %v, want %v", who, step, want)
		}
	}
	if step := stepOf("the desk", got[deskC], c.Id); step != nil {
		t.Errorf("the desk's message carried a step: %v", step)
	}
	if step := stepOf("owner1", got[me], anon.Id); step["status"] != "assigned" {
		t.Errorf("owner1's anonymous complaint: step %v", step)
	}
	for who, cl := range map[string]subscriptions.Client{"tenant1": tenant, "owner2": neighbour} {
		if msgs := aboutID(got[cl], anon.Id); len(msgs) > 0 {
			t.Errorf("%s was told of owner1's anonymous complaint: %+v", who, msgs)
		}
	}

	saved.Set("content", saved.GetString("content")+"（补充：三楼也有）")
	if err := app.Save(saved); err != nil {
		t.Fatal(err)
	}
	if step := stepOf("owner1", notesOf(me, 300*time.Millisecond), c.Id); step != nil {
		t.Errorf("a change of the content carried a step: %v", step)
	}
}
