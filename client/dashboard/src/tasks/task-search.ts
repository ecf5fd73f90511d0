/** Client-side search over the tasks a list has loaded: every word must appear somewhere. */
export interface SearchableTask {
  id: string;
  title: string;
  description?: string | null;
  agent?: { name: string } | null;
  error?: { message: string } | null;
}

export function matchesSearch(task: SearchableTask, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [task.title, task.description ?? '', task.agent?.name ?? '', task.error?.message ?? '', task.id].join('\n').toLowerCase();
  return words.every((word) => haystack.includes(word));
}
