import { memo } from 'react';
import type { PermissionOption } from '@boocode/contracts';
import { PermissionCard } from '../permissions/PermissionCard';
import type { PermissionView } from '../stream/sessionState';

/**
 * Requests that cannot be shown in their message (it is not loaded, or there is none yet):
 * kept above the input box so a waiting agent is never stuck behind an unloaded page.
 */
export const PendingPermissions = memo(function PendingPermissions({
  permissions,
  onAnswer,
}: {
  permissions: PermissionView[];
  onAnswer: (permissionId: string, option: PermissionOption) => Promise<void>;
}) {
  if (permissions.length === 0) return null;
  return (
    <div className="pending-permissions">
      {permissions.map((p) => (
        <PermissionCard key={p.permissionId} permission={p} onAnswer={onAnswer} />
      ))}
    </div>
  );
});
