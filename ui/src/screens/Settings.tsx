import { type FormEvent, useEffect, useState } from "react";
import type { AppInfo, LogLevel, Settings as SettingsValue, Theme } from "../backend/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { useBackend } from "../context";

interface Props {
  onSaved: (settings: SettingsValue) => void;
}

const THEMES: [Theme, string][] = [
  ["system", "Follow the system"],
  ["light", "Light"],
  ["dark", "Dark"],
];
const LOG_LEVELS: LogLevel[] = ["error", "warn", "info", "debug"];

export function Settings({ onSaved }: Props) {
  const backend = useBackend();
  const [settings, setSettings] = useState<SettingsValue | null>(null);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    backend.getSettings().then(setSettings, setError);
    backend.appInfo().then(setInfo, setError);
  }, [backend]);

  if (settings === null) {
    return (
      <section aria-labelledby="settings-title" className="screen">
        <h1 id="settings-title">Settings</h1>
        <ErrorMessage error={error} />
      </section>
    );
  }

  function update(change: Partial<SettingsValue>) {
    setSaved(false);
    setSettings((current) => (current === null ? current : { ...current, ...change }));
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (settings === null) {
      return;
    }
    setError(null);
    const next: SettingsValue = { ...settings };
    for (const key of ["serverUrl", "caFile", "proxy"] as const) {
      const value = next[key]?.trim() ?? "";
      if (value === "") {
        delete next[key];
      } else {
        next[key] = value;
      }
    }
    try {
      await backend.saveSettings(next);
      setSaved(true);
      onSaved(next);
    } catch (caught) {
      setError(caught);
    }
  }

  async function chooseCaFile() {
    const path = await backend.pickFile({ title: "Choose a CA certificate file", filters: [{ name: "PEM certificates", extensions: ["pem", "crt", "cer"] }] });
    if (path !== null) {
      update({ caFile: path });
    }
  }

  return (
    <section aria-labelledby="settings-title" className="screen">
      <h1 id="settings-title">Settings</h1>
      <form onSubmit={save} className="settings-form">
        <label htmlFor="settings-server">Server URL</label>
        <input id="settings-server" type="url" value={settings.serverUrl ?? ""} onChange={(event) => update({ serverUrl: event.target.value })} />

        <label htmlFor="settings-ca">Extra CA certificate file</label>
        <div className="row">
          <input id="settings-ca" value={settings.caFile ?? ""} onChange={(event) => update({ caFile: event.target.value })} />
          <button type="button" onClick={() => void chooseCaFile()}>Choose CA file…</button>
        </div>

        <label htmlFor="settings-proxy">HTTPS proxy</label>
        <input id="settings-proxy" value={settings.proxy ?? ""} onChange={(event) => update({ proxy: event.target.value })} placeholder="http://proxy.example.com:3128" aria-describedby="proxy-help" />
        <p id="proxy-help" className="hint">Leave empty to connect directly or use the system proxy.</p>

        <fieldset>
          <legend>Theme</legend>
          {THEMES.map(([value, label]) => (
            <label key={value} className="choice">
              <input type="radio" name="theme" checked={settings.theme === value} onChange={() => update({ theme: value })} />
              {label}
            </label>
          ))}
        </fieldset>

        <label htmlFor="settings-log">Log level</label>
        <select id="settings-log" value={settings.logLevel} onChange={(event) => update({ logLevel: event.target.value as LogLevel })}>
          {LOG_LEVELS.map((level) => (
            <option key={level} value={level}>{level}</option>
          ))}
        </select>

        <ErrorMessage error={error} />
        <div className="controls">
          <button type="submit" className="primary">Save settings</button>
          <button type="button" onClick={() => void backend.openLogFolder().catch(setError)}>Open log folder</button>
        </div>
        {saved && <p role="status">Settings saved.</p>}
      </form>
      {info !== null && (
        <p className="hint">
          Sealpost {info.version}. Logs are in {info.logDir}.{" "}
          {info.keyring.available ? "The system keyring keeps your session." : `The system keyring is not available: ${info.keyring.reason ?? "no reason given"}.`}
        </p>
      )}
    </section>
  );
}
