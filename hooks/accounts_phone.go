package hooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/sms"
)

// A phone number is changed by a code sent to the new number (issue #16,
// item 12).
//
// Before, an account changed its own phone by a plain update, and one that
// named a number another account held was answered "已存在" — anyone could
// learn which numbers were registered (and then try them as sign-in
// identities). Now:
//
//	POST /api/wuye/phone-change          {phone[, resident]}  → a code to the new number
//	POST /api/wuye/phone-change/confirm  {phone, code[, resident]} → the number is changed
//
// The first step answers "验证码已发送" whether or not the number is taken:
// the code goes to whoever holds the number, so only the holder can take
// the second step, and only then — once they have proved they hold it — is
// a clash told ("该号码已登记在另一个账号上"). That is no leak (it is their
// number) and it lets someone whose recycled number still sits on a stale
// account sort it out at the office. Whoever does not hold the number gets
// the same generic "验证码不正确或已过期" for any code they try.
//
// Codes are 6 digits, kept only as a salted HMAC, valid 10 minutes, 5 wrong
// tries void them. Sending is limited per account (one a minute, five a
// day) and per number (five a day; beyond it the answer is the same but
// nothing is sent, so no number can be flooded from many accounts). A
// front desk, supervisor or director of a community the resident lives in may
// start the change for a resident at the desk ("resident": id): the code
// still goes to the new number and the resident reads it out.
//
// A direct update of phone on a staff or residents record is refused for
// everyone but platform administrators; creating an account is unchanged.
const (
	phoneCodeTTL        = 10 * time.Minute
	phoneCodeAttempts   = 5
	phoneCodeGap        = time.Minute
	phoneCodesPerDay    = 5
	phoneCodesPerNumber = 5
	phoneChangePurpose  = "phone_change"
)

func init() {
	for code, t := range map[string]text{
		"wuye_phone_needs_code":     {"手机号须用发送到新号码的验证码更换（“我的账号”中更换，或到物业服务中心办理）", "A phone number is changed with a code sent to the new number (in your account page, or at the service center)."},
		"wuye_phone_not_mobile":     {"验证码只能发送到手机号码（11 位，以 1 开头）", "The code can only be sent to a mobile number (11 digits starting with 1)."},
		"wuye_phone_same":           {"新号码与现在登记的号码相同", "That is the number already on file."},
		"wuye_phone_code_too_often": {"获取验证码太频繁，请 %[1]v 分钟后再试", "Codes were requested too often; please try again in %[1]v minutes."},
		"wuye_phone_code_wrong":     {"验证码不正确或已过期，请核对或重新获取", "The code is wrong or has expired; check it or ask for a new one."},
		"wuye_phone_code_spent":     {"验证码输错次数过多，已作废，请重新获取", "Too many wrong codes: this one is void; please ask for a new one."},
		"wuye_phone_taken":          {"该号码已登记在另一个账号上，请带身份证件到物业服务中心核实办理", "That number is on file for another account; please come to the service center with your ID to sort it out."},
		"wuye_sms_failed":           {"短信发送失败，请稍后再试", "The text message could not be sent; please try again later."},
	} {
		messages[code] = t
	}
	topMessages["wuye: code sent"] = text{"验证码已发送，10 分钟内有效", "A code has been sent; it is valid for 10 minutes."}
	topMessages["wuye: phone changed"] = text{"手机号已更换", "The phone number has been changed."}
}

func registerPhoneChange(app core.App) {
	app.OnRecordUpdateRequest("staff", "residents").BindFunc(refuseDirectPhoneChange)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/phone-change", requestPhoneChange).Bind(apis.RequireAuth("staff", "residents"))
		se.Router.POST("/api/wuye/phone-change/confirm", confirmPhoneChange).Bind(apis.RequireAuth("staff", "residents"))
		return se.Next()
	})
}

// refuseDirectPhoneChange: a phone is changed through the code only.
func refuseDirectPhoneChange(e *core.RecordRequestEvent) error {
	if !e.HasSuperuserAuth() && e.Record.Original().GetString("phone") != e.Record.GetString("phone") {
		return badRequest(validation.Errors{"phone": codedError("wuye_phone_needs_code")})
	}
	return e.Next()
}

type phoneChangeBody struct {
	Phone    string `json:"phone"`
	Code     string `json:"code"`
	Resident string `json:"resident"`
}

// phoneChangeTarget reads the body and finds whose number is to change:
// the caller's own, or a resident's that the caller may manage.
func phoneChangeTarget(e *core.RequestEvent) (*core.Record, phoneChangeBody, error) {
	var body phoneChangeBody
	if err := e.BindBody(&body); err != nil {
		return nil, body, apis.NewBadRequestError("Failed to read the submitted data.", nil)
	}
	body.Phone = strings.TrimSpace(body.Phone)
	body.Code = strings.TrimSpace(body.Code)
	if body.Resident == "" || body.Resident == e.Auth.Id && isResident(e.Auth) {
		return e.Auth, body, nil
	}
	notFound := apis.NewNotFoundError("", nil)
	if !isStaff(e.Auth) {
		return nil, body, notFound
	}
	// The desk that may start a password reset for the resident (a
	// community they currently live in, hooks/accounts_residents.go) may
	// start a phone change too; anyone else is told there is no such
	// resident.
	resident, err := e.App.FindRecordById("residents", body.Resident)
	if err != nil || !hasRole(e.Auth, resetRoles...) ||
		!slices.ContainsFunc(resident.GetStringSlice("communities"), func(c string) bool { return servesCommunity(e.Auth, c) }) {
		return nil, body, notFound
	}
	return resident, body, nil
}

// checkNewPhone validates the number as the account's phone field does,
// and as a number a text message can reach.
func checkNewPhone(account *core.Record, phone string) error {
	if phone == "" {
		return badRequest(validation.Errors{"phone": codedError("validation_required")})
	}
	if f, ok := account.Collection().Fields.GetByName("phone").(*core.TextField); ok && f.Pattern != "" {
		if !regexp.MustCompile(f.Pattern).MatchString(phone) {
			return badRequest(validation.Errors{"phone": codedError("validation_invalid_format")})
		}
	}
	if !sms.IsMobile(phone) {
		return badRequest(validation.Errors{"phone": codedError("wuye_phone_not_mobile")})
	}
	if phone == account.GetString("phone") {
		return badRequest(validation.Errors{"phone": codedError("wuye_phone_same")})
	}
	return nil
}

func requestPhoneChange(e *core.RequestEvent) error {
	account, body, err := phoneChangeTarget(e)
	if err != nil {
		return err
	}
	if err := checkNewPhone(account, body.Phone); err != nil {
		return err
	}
	t := now()
	code := security.RandomStringWithAlphabet(6, "0123456789")
	var sendIt bool
	err = e.App.RunInTransaction(func(tx core.App) error {
		// Per account: one a minute, five a day.
		var recent []*core.Record
		if err := tx.RecordQuery("phone_changes").
			AndWhere(dbx.HashExp{"account_collection": account.Collection().Name, "account_id": account.Id}).
			AndWhere(dbx.NewExp("sent_at > {:since}", dbx.Params{"since": dbTime(t.Add(-24 * time.Hour))})).
			OrderBy("sent_at DESC").All(&recent); err != nil {
			return err
		}
		if len(recent) > 0 {
			last := recent[0].GetDateTime("sent_at").Time()
			if wait := last.Add(phoneCodeGap).Sub(t); wait > 0 {
				return apis.NewApiError(http.StatusTooManyRequests, "", validation.Errors{"phone": codedError("wuye_phone_code_too_often", waitText(wait))})
			}
		}
		if len(recent) >= phoneCodesPerDay {
			wait := recent[phoneCodesPerDay-1].GetDateTime("sent_at").Time().Add(24 * time.Hour).Sub(t)
			return apis.NewApiError(http.StatusTooManyRequests, "", validation.Errors{"phone": codedError("wuye_phone_code_too_often", waitText(wait))})
		}
		// Per number: beyond the day's limit the answer is the same, but
		// nothing is sent.
		var toNumber int
		if err := tx.RecordQuery("phone_changes").Select("count(*)").
			AndWhere(dbx.HashExp{"phone": body.Phone, "sent": true}).
			AndWhere(dbx.NewExp("sent_at > {:since}", dbx.Params{"since": dbTime(t.Add(-24 * time.Hour))})).
			Row(&toNumber); err != nil {
			return err
		}
		sendIt = toNumber < phoneCodesPerNumber
		// A new code voids the account's earlier ones.
		for _, r := range recent {
			if r.GetString("status") == "pending" {
				r.Set("status", "void")
				if err := tx.Save(r); err != nil {
					return err
				}
			}
		}
		col, err := tx.FindCachedCollectionByNameOrId("phone_changes")
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("account_collection", account.Collection().Name)
		r.Set("account_id", account.Id)
		r.Set("phone", body.Phone)
		r.Set("code_hash", hashPhoneCode(account.Id, body.Phone, code, ""))
		r.Set("sent_at", dbTime(t))
		r.Set("expires_at", dbTime(t.Add(phoneCodeTTL)))
		r.Set("sent", sendIt)
		r.Set("status", "pending")
		if isStaff(e.Auth) && e.Auth.Id != account.Id {
			r.Set("by_staff", e.Auth.Id)
		}
		if err := tx.Save(r); err != nil {
			return err
		}
		return RecordEvent(tx, Event{Subject: account, Action: "phone_change_requested", Actor: e.Auth, Note: "code sent to " + sms.Mask(body.Phone)})
	})
	if err != nil {
		return err
	}
	if sendIt {
		msg := sms.Message{
			To:      body.Phone,
			Text:    fmt.Sprintf("【物业客服中心】您正在更换登记的手机号，验证码 %s，%d 分钟内有效。如非本人操作，请忽略本短信。", code, int(phoneCodeTTL.Minutes())),
			Purpose: phoneChangePurpose,
		}
		// The code goes out at once through the outbox's SMS channel (its
		// provider, or the sandbox), never queued: it is not a notification
		// and must not wait for quiet hours or sit in the delivery log.
		ch := smsChannelOf(e.App)
		if err := ch.SendNow(e.Request.Context(), msg); err != nil {
			e.App.Logger().Error("phone change code not sent", "provider", ch.sender().Name(), "to", sms.Mask(body.Phone), "error", err)
			return apis.NewApiError(http.StatusServiceUnavailable, "", validation.Errors{"phone": codedError("wuye_sms_failed")})
		}
	}
	// A struct, not a map: PocketBase's encoder writes a map's keys in
	// iteration order, and the answer must be the same bytes whether or not
	// the number is taken.
	return e.JSON(http.StatusOK, struct {
		Message   string `json:"message"`
		ExpiresIn int    `json:"expires_in"`
	}{render(topMessages["wuye: code sent"], requestLang(e.Request), nil), int(phoneCodeTTL.Seconds())})
}

func confirmPhoneChange(e *core.RequestEvent) error {
	account, body, err := phoneChangeTarget(e)
	if err != nil {
		return err
	}
	if body.Phone == "" {
		return badRequest(validation.Errors{"phone": codedError("validation_required")})
	}
	if body.Code == "" {
		return badRequest(validation.Errors{"code": codedError("validation_required")})
	}
	wrong := badRequest(validation.Errors{"code": codedError("wuye_phone_code_wrong")})
	t := now()
	var refusal error
	err = e.App.RunInTransaction(func(tx core.App) error {
		pending, err := tx.FindFirstRecordByFilter("phone_changes",
			"account_collection = {:c} && account_id = {:a} && status = 'pending'",
			dbx.Params{"c": account.Collection().Name, "a": account.Id})
		if err != nil || pending.GetString("phone") != body.Phone || !t.Before(pending.GetDateTime("expires_at").Time()) {
			refusal = wrong
			return nil
		}
		if !checkPhoneCode(pending.GetString("code_hash"), account.Id, body.Phone, body.Code) {
			// The wrong try is counted (and committed) before the refusal.
			pending.Set("attempts", pending.GetInt("attempts")+1)
			refusal = wrong
			if pending.GetInt("attempts") >= phoneCodeAttempts {
				pending.Set("status", "void")
				refusal = badRequest(validation.Errors{"code": codedError("wuye_phone_code_spent")})
			}
			return tx.Save(pending)
		}
		// The holder of the number has proved it: a clash may be told now.
		taken, err := exists(tx, account.Collection().Name, dbx.HashExp{"phone": body.Phone}, account.Id)
		if err != nil {
			return err
		}
		if taken {
			pending.Set("status", "void")
			refusal = apis.NewApiError(http.StatusConflict, "", validation.Errors{"phone": codedError("wuye_phone_taken")})
			return tx.Save(pending)
		}
		pending.Set("status", "confirmed")
		if err := tx.Save(pending); err != nil {
			return err
		}
		fresh, err := tx.FindRecordById(account.Collection().Name, account.Id)
		if err != nil {
			return err
		}
		fresh.Set("phone", body.Phone)
		if err := tx.Save(fresh); err != nil {
			return err
		}
		if err := RecordEvent(tx, Event{Subject: fresh, Action: "phone_changed", Actor: e.Auth, Note: "phone → " + sms.Mask(body.Phone)}); err != nil {
			return err
		}
		if e.Auth.Id != fresh.Id {
			return Notify(tx, Notice{Recipient: fresh, Kind: "phone_changed", Subject: fresh,
				Title: "您登记的手机号已更换为 " + sms.Mask(body.Phone), Body: "由物业服务中心经办。如非本人办理，请尽快联系物业服务中心。"})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	return e.JSON(http.StatusOK, map[string]any{"message": render(topMessages["wuye: phone changed"], requestLang(e.Request), nil), "phone": body.Phone})
}

// hashPhoneCode is salt$HMAC-SHA256(salt, account|phone|code) in hex; a
// new salt is drawn when salt is "". (A 6-digit code could be found from
// its hash by trying them all; the hash keeps codes out of sight of
// whoever reads the table or a backup, and a code lives 10 minutes.)
func hashPhoneCode(account, phone, code, salt string) string {
	if salt == "" {
		salt = security.RandomString(16)
	}
	mac := hmac.New(sha256.New, []byte(salt))
	mac.Write([]byte(account + "|" + phone + "|" + code))
	return salt + "$" + hex.EncodeToString(mac.Sum(nil))
}

func checkPhoneCode(stored, account, phone, code string) bool {
	salt, _, ok := strings.Cut(stored, "$")
	if !ok {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(stored), []byte(hashPhoneCode(account, phone, code, salt))) == 1
}

// dbTime is t as PocketBase stores datetimes (UTC), for comparisons in SQL.
func dbTime(t time.Time) string {
	return t.UTC().Format(types.DefaultDateLayout)
}

// waitText is d in whole minutes, rounded up.
func waitText(d time.Duration) int {
	return max(1, int(math.Ceil(d.Minutes())))
}
