import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { isInside, workspaceRelative } from '../../src/core/paths';

describe('core paths', () => {
  const root = path.resolve('/ws/project');
  it('isInside: the folder itself and what lies below it', () => {
    assert.equal(isInside(root, root), true);
    assert.equal(isInside(root, path.join(root, 'a', 'b.py')), true);
    assert.equal(isInside(root, path.join(root, '..cache', 'x')), true, 'a name starting with two dots is inside');
    assert.equal(isInside(root, path.resolve(root, '..')), false);
    assert.equal(isInside(root, path.resolve(root, '..', 'other', 'x')), false);
    assert.equal(isInside(root, path.resolve('/elsewhere')), false);
  });
  it('workspaceRelative: posix relative paths inside, the path unchanged outside', () => {
    assert.equal(workspaceRelative(root, path.join(root, 'serving', 'app.py')), 'serving/app.py');
    assert.equal(workspaceRelative(root, path.join(root, '..cache', 'x')), '..cache/x');
    const outside = path.resolve('/elsewhere/x.py');
    assert.equal(workspaceRelative(root, outside), outside);
  });
});
