import { NotificationSettings } from '../../features/notifications/components/NotificationSettings';

export default function NotificationSettingsRoute() {
  return (
    <div className="stack">
      <header className="page-header">
        <h1>Notification settings</h1>
      </header>
      <NotificationSettings />
    </div>
  );
}
