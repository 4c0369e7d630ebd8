/**
 * The preload is powerless by design: one function per contract channel, each forwarding its
 * input to main and returning the Result. No generic send/invoke/on, no Node, no fs.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS } from '../../shared/contract/channels';

const api: Record<string, (input: unknown) => Promise<unknown>> = {};
for (const channel of CHANNELS) {
  api[channel] = (input: unknown) => ipcRenderer.invoke(channel, input);
}
contextBridge.exposeInMainWorld('pier', Object.freeze(api));
