package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"wuye/internal/testapp"
)

// Issue #16, item 15: NUL, bidi overrides and zero-width characters were
// stored as sent in text fields; "100" was taken for an amount of money.
// (The bad-input corpus tries each class on every field of every path; this
// is the readable case of each.)
func TestInvisibleCharactersInText(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	complaint := func(content string) string {
		return string(jsonBody(map[string]any{"unit": unit, "channel": "phone", "category": "cleaning", "content": content,
			"contact_name": "张三", "contact_phone": "13700000000"}))
	}
	for _, c := range []struct{ name, content, want string }{
		{"NUL", "楼道有垃圾\x00", "投诉内容：含有不可见的控制字符"},
		{"another control character", "楼道\x1b有垃圾", "含有不可见的控制字符"},
		{"a right-to-left override", "楼道有垃圾\u202e0001", "含有改变文字显示方向的隐藏字符"},
		{"a first-strong isolate", "\u2068楼道有垃圾", "含有改变文字显示方向的隐藏字符"},
	} {
		code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records", complaint(c.content), "frontdesk@example.com")
		if code != 400 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s", c.name, code, body)
		}
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records",
		complaint("\ufeff楼道\u200b有\u2060垃圾\u200c，孩子们👨\u200d👩\u200d👧都不敢走"), "frontdesk@example.com")
	expectBody(t, "zero-width characters are stripped, an emoji's joiners kept", code, body, 200,
		`"content":"楼道有垃圾，孩子们👨`+"\u200d"+`👩`+"\u200d"+`👧都不敢走"`)

	// Strings inside a JSON field: a work order's materials.
	o := orderIn(t, app, "in_progress")
	url := "/api/collections/work_orders/records/" + o.Id
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"materials":[{"name":"水管\u202e","qty":1,"price_fen":100}]}`, "tech1@example.com")
	expectBody(t, "a bidi override in a material's name", code, body, 400, "含有改变文字显示方向的隐藏字符")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"materials":[{"name":"水\u0000管","qty":1,"price_fen":100}]}`, "tech1@example.com")
	expectBody(t, "NUL in a material's name", code, body, 400, "含有不可见的控制字符")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"materials":[{"name":"水\u200b管","qty":1,"price_fen":100}]}`, "tech1@example.com")
	expectBody(t, "a zero-width space in a material's name", code, body, 200, `"name":"水管"`)
}

// An amount of money in a JSON body is a JSON number; in a form body (all
// text) a canonical whole number.
func TestAmountsAreNumbers(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch, unit := testapp.ID(t, "community:CH"), testapp.ID(t, "unit:1-101")
	deposit := func(amount any) map[string]any {
		return map[string]any{"community": ch, "unit": unit, "kind": "other", "holder_name": "张三", "amount_fen": amount}
	}
	post := func(body []byte, ct string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, "/api/collections/deposits/records", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", testapp.Token(t, "cashier@example.com"))
		return serve(h, req)
	}
	for _, v := range []any{"50000", "", "5e4"} {
		if code, body := post(jsonBody(deposit(v)), "application/json"); code != 400 || !strings.Contains(body, "类型不正确，应为数字") {
			t.Errorf("JSON amount_fen %q: %d %s", v, code, body)
		}
	}
	if code, body := post(jsonBody(deposit(50000)), "application/json"); code != 200 {
		t.Fatalf("a JSON number: %d %s", code, body)
	}
	for _, v := range []string{"5e4", "50000.0", " 50000", "050000", "+50000", "0x10"} {
		body, ct := multipartBody(deposit(v), nil)
		if code, resp := post(body, ct); code != 400 || !strings.Contains(resp, "类型不正确，应为数字") {
			t.Errorf("form amount_fen %q: %d %s", v, code, resp)
		}
	}
	body, ct := multipartBody(deposit("50000"), nil)
	if code, resp := post(body, ct); code != 200 || !strings.Contains(resp, `"amount_fen":50000`) {
		t.Fatalf("a form's canonical amount: %d %s", code, resp)
	}
}
