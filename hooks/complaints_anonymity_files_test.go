package hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/internal/testapp"
	"wuye/migrations"
)

// TestAnonymousComplaintHidesItsPlace (issue #16 item 11): an anonymous
// complaint's building and free-text location are hidden with the other
// complainant fields from the staff the complainant is hidden from, and its
// attachments are stored under neutral names (the uploader's file name,
// "zhang_wei_1_101…", would tell who it is); the handler's and the
// supervisor's view keep the place and every file.
func TestAnonymousComplaintHidesItsPlace(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"unit": testapp.ID(t, "unit:1-101"), "category": "cleaning", "content": "楼道长期堆放杂物",
		"contact_name": anonName, "contact_phone": anonPhone, "anonymous": "true", "location": "1栋101门口张伟家鞋柜旁"} {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("attachments", "zhang_wei_1-101_photo.png")
	_, _ = fw.Write(onePixel)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/api/collections/complaints/records", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", testapp.Token(t, "owner1@example.com"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("owner1 files an anonymous complaint with a photo: %d %s", rec.Code, rec.Body.String())
	}
	var filed struct {
		ID          string   `json:"id"`
		Attachments []string `json:"attachments"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &filed)
	stored, err := app.FindRecordById("complaints", filed.ID)
	if err != nil {
		t.Fatal(err)
	}
	files := stored.GetStringSlice("attachments")
	if len(files) != 1 || strings.Contains(strings.ToLower(files[0]), "zhang") || !strings.HasPrefix(files[0], "attachment_") {
		t.Errorf("the attachment is stored as %v, want a neutral name", files)
	}
	if stored.GetString("building") == "" || stored.GetString("location") == "" {
		t.Fatalf("building and location not stored: %q %q", stored.GetString("building"), stored.GetString("location"))
	}
	for _, c := range []struct {
		email string
		sees  bool
	}{{"frontdesk@example.com", false}, {"areamgr@example.com", false}, {"supervisor@example.com", true}, {"director@example.com", true}} {
		code, b := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records/"+filed.ID, "", c.email)
		if code != http.StatusOK {
			t.Fatalf("%s views the complaint: %d %s", c.email, code, b)
		}
		var got map[string]any
		_ = json.Unmarshal([]byte(b), &got)
		for _, f := range []string{"building", "location"} {
			_, shown := got[f]
			if shown != c.sees {
				t.Errorf("%s: %s shown %v, want %v (%s)", c.email, f, shown, c.sees, b)
			}
		}
		if strings.Contains(b, "张伟") || strings.Contains(strings.ToLower(b), "zhang") {
			if !c.sees {
				t.Errorf("%s reads who complained: %s", c.email, b)
			}
		}
		if att, _ := got["attachments"].([]any); len(att) != 1 {
			t.Errorf("%s: attachments %v, want the one file", c.email, got["attachments"])
		}
	}
	// A search by the place does not find it either.
	code, b := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records?filter="+urlq(`location ~ "张伟"`), "", "frontdesk@example.com")
	if code != http.StatusOK || strings.Contains(b, filed.ID) {
		t.Errorf("the desk finds the anonymous complaint by its location: %d %s", code, b)
	}
}

// TestAnonymousAttachmentsStoredBefore (issue #16 item 11, migration 0036):
// the files anonymous complaints had before new uploads were named neutrally
// are renamed in storage — same content, the uploader's name gone with its
// thumbnails, the complaint's field rewritten, an event written — once;
// a signed complaint keeps its file names.
func TestAnonymousAttachmentsStoredBefore(t *testing.T) {
	app := testapp.New(t)
	col, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	// Two complaints of the demo, one of them made anonymous in SQL (as it
	// was filed before this session's fix).
	two, err := app.FindRecordsByFilter("complaints", "anonymous = false", "created", 2, 0)
	if err != nil || len(two) != 2 {
		t.Fatal("the demo has no two complaints: ", err)
	}
	anonymous, signed := two[0], two[1]
	if _, err := app.DB().Update("complaints", dbx.Params{"anonymous": true}, dbx.HashExp{"id": anonymous.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	// As an upload was stored before the fix: the uploader's name in it.
	const old = "zhang_wei_1_101_photo_ab12cd34ef.png"
	for _, r := range []*core.Record{anonymous, signed} {
		dir := col.Id + "/" + r.Id + "/"
		if err := fsys.Upload(onePixel, dir+old); err != nil {
			t.Fatal(err)
		}
		if err := fsys.Upload(onePixel, dir+"thumbs_"+old+"/100x100_"+old); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB().Update("complaints", dbx.Params{"attachments": `["` + old + `"]`}, dbx.HashExp{"id": r.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := app.CountRecords("events", dbx.HashExp{"subject_id": anonymous.Id})
	for run := 1; run <= 2; run++ {
		if err := migrations.NeutralizeAnonymousAttachments(app); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
	got, _ := app.FindRecordById("complaints", anonymous.Id)
	files := got.GetStringSlice("attachments")
	if len(files) != 1 || !strings.HasPrefix(files[0], "attachment_") || !strings.HasSuffix(files[0], ".png") {
		t.Fatalf("the anonymous complaint's attachments are %v, want one neutral .png", files)
	}
	dir := col.Id + "/" + anonymous.Id + "/"
	if ok, _ := fsys.Exists(dir + old); ok {
		t.Error("the file under the uploader's name is still stored")
	}
	if ok, _ := fsys.Exists(dir + "thumbs_" + old + "/100x100_" + old); ok {
		t.Error("its thumbnail, named after it, is still stored")
	}
	if b, err := fsys.GetReuploadableFile(dir+files[0], true); err != nil {
		t.Errorf("the renamed file is not stored: %v", err)
	} else if r, err := b.Reader.Open(); err == nil {
		content, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(content, onePixel) {
			t.Error("the renamed file's content changed")
		}
	}
	if after, _ := app.CountRecords("events", dbx.HashExp{"subject_id": anonymous.Id, "action": "correct"}); after != 1 {
		t.Errorf("%d rename events after two runs (events before: %d), want 1", after, before)
	}
	kept, _ := app.FindRecordById("complaints", signed.Id)
	if f := kept.GetStringSlice("attachments"); len(f) != 1 || f[0] != old {
		t.Errorf("a signed complaint's attachments became %v", f)
	}
}
