package hooks_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/hooks"
	"wuye/internal/testapp"
)

func TestComplaintVisibility(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	mine := fileComplaint(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "cleaning", nil)
	about := fileComplaint(t, app, staffRec(t, app, "frontdesk@example.com"), "1-202", "staff_attitude", map[string]any{
		"about_service_center": true, "subject_staff": staffRec(t, app, "frontdesk@example.com").Id,
	})
	assigned, err := hooks.AdvanceComplaint(app, fileComplaint(t, app, staffRec(t, app, "frontdesk@example.com"), "1-102", "engineering", nil).Id,
		staffRec(t, app, "frontdesk@example.com"), "assigned", map[string]any{"handler": staffRec(t, app, "tech1@example.com").Id})
	if err != nil {
		t.Fatal(err)
	}
	view := func(c *core.Record, who string) int {
		code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records/"+c.Id, "", who)
		return code
	}
	for _, v := range []struct {
		c    *core.Record
		who  string
		want int
	}{
		{mine, "owner1@example.com", 200},
		{mine, "owner2@example.com", 404},  // the neighbour
		{mine, "tenant1@example.com", 200}, // a co-resident: the household's complaints (migration 0052)
		{mine, "frontdesk@example.com", 200},
		{mine, "areamgr@example.com", 200},
		{mine, "tech2@example.com", 404}, // not handling it
		{mine, "frontdesk.yx@example.com", 404},
		{about, "frontdesk@example.com", 404}, // about the service center, and about them
		{about, "areamgr@example.com", 404},
		{about, "supervisor@example.com", 404}, // the administration office's ([003] 2.2.8)
		{about, "hr@example.com", 200},
		{about, "director@example.com", 200},
		{mine, "hr@example.com", 404},        // the office sees only complaints about the service center
		{assigned, "tech1@example.com", 200}, // the handler
		{assigned, "tech2@example.com", 404},
	} {
		if got := view(v.c, v.who); got != v.want {
			t.Errorf("%s viewing %s: %d, want %d", v.who, v.c.GetString("content"), got, v.want)
		}
	}
	_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records?perPage=500", "", "frontdesk@example.com")
	if strings.Contains(body, about.Id) || strings.Contains(body, "前台接待员态度冷淡") {
		t.Error("the front desk lists a complaint about the service center")
	}
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records?perPage=500", "", "owner2@example.com")
	if strings.Contains(body, mine.Id) {
		t.Error("owner2 lists owner1's complaint")
	}

	// Internal notes: staff who see the complaint read and add them; the
	// complainant never sees them.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaint_notes/records",
		`{"complaint":"`+mine.Id+`","author":"`+testapp.ID(t, "staff:frontdesk@example.com")+`","note":"业主情绪激动，回访时注意措辞"}`, "frontdesk@example.com")
	if code != 200 {
		t.Fatalf("front desk adds a note: %d %s", code, body)
	}
	for who, want := range map[string]string{
		"supervisor@example.com": `"totalItems":1`, "owner1@example.com": `"totalItems":0`, "tech2@example.com": `"totalItems":0`,
	} {
		if _, body := testapp.Do(t, h, http.MethodGet, "/api/collections/complaint_notes/records", "", who); !strings.Contains(body, want) {
			t.Errorf("%s lists notes: %s, want %s", who, body, want)
		}
	}
	if code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/complaint_notes/records",
		`{"complaint":"`+mine.Id+`","note":"我自己加的备注"}`, "owner1@example.com"); code != 400 {
		t.Errorf("a resident added an internal note: %d", code)
	}
	if code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/complaint_notes/records",
		`{"complaint":"`+about.Id+`","author":"`+testapp.ID(t, "staff:frontdesk@example.com")+`","note":"x"}`, "frontdesk@example.com"); code != 400 {
		t.Errorf("the front desk noted a complaint it may not see: %d", code)
	}
}

// TestComplaintRealtime subscribes the way the pages do and checks who is
// told of a change: the complainant and the staff who may see it, nobody
// else.
func TestComplaintRealtime(t *testing.T) {
	app := testapp.New(t)
	if _, err := apis.NewRouter(app); err != nil { // binds the realtime broadcast hooks
		t.Fatal(err)
	}
	mine := fileComplaint(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "cleaning", nil)
	about := fileComplaint(t, app, staffRec(t, app, "supervisor@example.com"), "1-202", "staff_attitude", map[string]any{
		"about_service_center": true, "subject_staff": staffRec(t, app, "frontdesk@example.com").Id,
	})
	subscribe := func(collection, email, topic string) *subscriptions.DefaultClient {
		auth, err := app.FindAuthRecordByEmail(collection, email)
		if err != nil {
			t.Fatal(err)
		}
		c := subscriptions.NewDefaultClient()
		c.Set(apis.RealtimeClientAuthKey, auth)
		c.Subscribe(topic)
		app.SubscriptionsBroker().Register(c)
		return c
	}
	owner1 := subscribe("residents", "owner1@example.com", "complaints/"+mine.Id) // the detail page
	owner1List := subscribe("residents", "owner1@example.com", "complaints/*")    // the list page
	owner2 := subscribe("residents", "owner2@example.com", "complaints/*")
	owner2Guess := subscribe("residents", "owner2@example.com", "complaints/"+mine.Id)
	desk := subscribe("staff", "frontdesk@example.com", "complaints/*")
	supervisor := subscribe("staff", "supervisor@example.com", "complaints/*")
	office := subscribe("staff", "hr@example.com", "complaints/*")

	received := func(c *subscriptions.DefaultClient, want string) bool {
		deadline := time.After(500 * time.Millisecond)
		for {
			select {
			case msg := <-c.Channel():
				if strings.Contains(string(msg.Data), want) {
					return true
				}
			case <-deadline:
				return false
			}
		}
	}

	if _, err := hooks.AdvanceComplaint(app, mine.Id, staffRec(t, app, "frontdesk@example.com"), "assigned",
		map[string]any{"handler": staffRec(t, app, "tech1@example.com").Id}); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*subscriptions.DefaultClient{"owner1 detail": owner1, "owner1 list": owner1List, "front desk": desk, "supervisor": supervisor} {
		if !received(c, `"status":"assigned"`) {
			t.Errorf("%s was not told that the complaint was assigned", name)
		}
	}
	for name, c := range map[string]*subscriptions.DefaultClient{"owner2": owner2, "owner2 guessing the id": owner2Guess} {
		if received(c, mine.Id) {
			t.Errorf("%s was told of owner1's complaint", name)
		}
	}

	if received(office, mine.Id) {
		t.Error("the administration office was told of a complaint not about the service center")
	}
	if _, err := hooks.AdvanceComplaint(app, about.Id, staffRec(t, app, "hr@example.com"), "assigned",
		map[string]any{"handler": staffRec(t, app, "hr@example.com").Id}); err != nil {
		t.Fatal(err)
	}
	if !received(office, about.Id) {
		t.Error("the administration office was not told of the complaint about the service center")
	}
	for name, c := range map[string]*subscriptions.DefaultClient{"front desk": desk, "supervisor": supervisor} {
		if received(c, about.Id) {
			t.Errorf("the %s was told of a complaint about the service center", name)
		}
	}
}

func TestComplaintAttachments(t *testing.T) {
	upload := func(name, filename, content string, want int, wantBody ...string) tests.ApiScenario {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for k, v := range map[string]string{
			"unit": testapp.ID(t, "unit:1-101"), "category": "cleaning", "content": "附照片",
		} {
			w.WriteField(k, v)
		}
		f, _ := w.CreateFormFile("attachments", filename)
		f.Write([]byte(content))
		w.Close()
		return tests.ApiScenario{
			Name: name, Method: http.MethodPost, URL: "/api/collections/complaints/records", Body: &body,
			Headers:        map[string]string{"Authorization": testapp.Token(t, "owner1@example.com"), "Content-Type": w.FormDataContentType()},
			ExpectedStatus: want, ExpectedContent: wantBody, TestAppFactory: testapp.Factory,
		}
	}
	// A minimal PNG: the signature and an IHDR chunk are enough to be detected.
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
	for _, s := range []tests.ApiScenario{
		upload("a text file named .png is refused", "photo.png", "just some text", 400, `"attachments"`),
		upload("a photo is accepted", "photo.png", png, 200, `"attachments":["photo_`),
		upload("an oversized file is refused", "big.pdf", "%PDF-1.4\n"+strings.Repeat("x", 10<<20), 400, `"attachments"`),
	} {
		s.Test(t)
	}
}
