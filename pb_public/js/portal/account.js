// Sign-in, and the password reset by mail (the mail links to #/reset/{token}).
import { html, useState } from '../core/html.js';
import { pb, fieldErrors } from '../core/api.js';
import { t, addMessages } from '../core/i18n.js';
import { Field, ErrorBox, useAction, toast } from '../core/ui.js';
import { SignInPage, LangSwitch } from '../core/shell.js';
import { Logo } from '../core/icons.js';

const Brand = () => html`<div class="brand"><${Logo} /><h1>${t('app.name')}</h1><p class="muted">${t('signin.hint')}</p></div>`;

addMessages({
  'signin.isStaff': ['这是员工账号，请在员工工作台登录。', 'This is a staff account: sign in at the staff workspace.'],
  'signin.toStaff': ['前往员工工作台 /staff/', 'Go to the staff workspace (/staff/)'],
});

const toStaff = () => html`<p>${t('signin.isStaff')}</p><p><a href="/staff/">${t('signin.toStaff')}</a></p>`;

export const SignIn = () => html`<${SignInPage} collection="residents" wrong=${t('signin.failed')} above=${html`<${Brand} />`}
  other=${{ collection: 'staff', hint: toStaff() }}
  head=${html`<h2 id="signin-title">${t('signin.title')}</h2>`}
  foot=${html`<div class="row between small"><a href="#/forgot">${t('signin.forgot')}</a><a href="/staff/">${t('signin.staff')}</a></div>`} />`;

export function ResetRequest() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const act = useAction();
  const submit = (e) => {
    e.preventDefault();
    act.run(async () => { await pb.collection('residents').requestPasswordReset(email.trim()); setSent(true); });
  };
  return html`<main class="signin">
    <${LangSwitch} />
    <form class="card stack" onSubmit=${submit}>
      <h1>${t('reset.title')}</h1>
      ${sent ? html`<p role="status">${t('reset.sent')}</p>` : html`
        <${Field} label=${t('reset.email')} required error=${fieldErrors(act.error).email}><input type="email" autocomplete="email" required value=${email} onInput=${(e) => setEmail(e.target.value)} /><//>
        <${ErrorBox} error=${act.error} />
        <button class="primary block" disabled=${act.busy}>${t('reset.send')}</button>`}
      <a href="#/">${t('back')}</a>
    </form>
  </main>`;
}

export function ResetConfirm({ token }) {
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const act = useAction();
  const submit = (e) => {
    e.preventDefault();
    if (pw !== pw2) return act.setError(new Error(t('reset.mismatch')));
    act.run(async () => {
      await pb.collection('residents').confirmPasswordReset(token, pw, pw2);
      toast(t('reset.done'));
      location.hash = '#/';
    });
  };
  const errs = fieldErrors(act.error);
  return html`<main class="signin">
    <form class="card stack" onSubmit=${submit}>
      <h1>${t('reset.title')}</h1>
      <${Field} label=${t('reset.new')} required error=${errs.password}><input type="password" autocomplete="new-password" minlength="10" required value=${pw} onInput=${(e) => setPw(e.target.value)} /><//>
      <${Field} label=${t('reset.again')} required error=${errs.passwordConfirm}><input type="password" autocomplete="new-password" minlength="10" required value=${pw2} onInput=${(e) => setPw2(e.target.value)} /><//>
      <${ErrorBox} error=${act.error} />
      <button class="primary block" disabled=${act.busy}>${t('save')}</button>
    </form>
  </main>`;
}
